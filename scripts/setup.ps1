# One-time set-up on Windows: install dependencies, write .env with fresh secrets if there is none, migrate.
# Safe to run again: an existing .env is never touched. A new .env keeps the development encryption key that
# `npm start` made (DATA_DIR/dev-secrets.json) after its new primary key, so data saved before stays readable.
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '..')

npm install --no-audit --no-fund
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

if (-not (Test-Path '.env')) {
  $jwt = node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))"
  $vault = node scripts/setup-encryption-keys.cjs
  if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
  (Get-Content '.env.example') `
    -replace '^JWT_SECRET=.*', "JWT_SECRET=$jwt" `
    -replace '^ENCRYPTION_KEYS=.*', "ENCRYPTION_KEYS=$vault" |
    Set-Content -Encoding utf8 '.env'
  Write-Host 'Wrote .env with fresh JWT_SECRET and ENCRYPTION_KEYS (keep it out of version control).'
} else {
  Write-Host '.env exists; left as it is.'
}

npm run migrate
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host 'Ready: npm start'
