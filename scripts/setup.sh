#!/usr/bin/env bash
# One-time set-up: install dependencies, write .env with fresh secrets if there is none, migrate.
# Safe to run again: an existing .env is never touched. A new .env keeps the development encryption key that
# `npm start` made (DATA_DIR/dev-secrets.json) after its new primary key, so data saved before stays readable.
set -euo pipefail
cd "$(dirname "$0")/.."

npm install --no-audit --no-fund

if [ ! -f .env ]; then
  jwt=$(node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))")
  vault=$(node scripts/setup-encryption-keys.cjs)
  sed -e "s|^JWT_SECRET=.*|JWT_SECRET=${jwt}|" -e "s|^ENCRYPTION_KEYS=.*|ENCRYPTION_KEYS=${vault}|" .env.example > .env
  chmod 600 .env
  echo "Wrote .env with fresh JWT_SECRET and ENCRYPTION_KEYS (keep it out of version control)."
else
  echo ".env exists; left as it is."
fi

npm run migrate
echo "Ready: npm start"
