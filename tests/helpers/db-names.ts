/** The database named in a URL, refused unless its name says it is a test database. */
export function assertTestDatabaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/test/i.test(name) || !/^[A-Za-z0-9_]+$/.test(name)) {
    throw new Error(
      `Refusing to run tests against database "${name}": its name must contain "test" (and only letters, digits, _). ` +
        'Tests create and drop databases next to it.',
    );
  }
  return name;
}

/** The same server URL pointing at another database. */
export function databaseUrlFor(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
