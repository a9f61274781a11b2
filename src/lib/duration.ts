const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `900`, `900s`, `15m`, `12h` or `30d` into seconds; null when it is neither. */
export function parseDuration(value: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * UNITS[match[2] || 's'];
}
