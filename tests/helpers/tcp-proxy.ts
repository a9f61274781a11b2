import net from 'node:net';

/**
 * A loopback TCP proxy to put between the app and PostgreSQL, to cut the database off without touching the
 * shared server. `forward` passes bytes both ways; `cut` resets every open connection and closes the listening
 * port (connection refused); `blackhole` resets every open connection and then accepts new ones without ever
 * forwarding a byte (a network partition: the client waits for its own timeout); `stall` keeps every open
 * connection open but forwards nothing more either way, and holds new ones (a server paused or partitioned
 * after the connection was made: no reset, no answer).
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  readonly mode: 'forward' | 'cut' | 'blackhole' | 'stall';
  /** Connections open through the proxy (forwarded or held). */
  readonly openConnections: number;
  /** Back to forwarding (listens again on the same port when cut). */
  forward(): Promise<void>;
  cut(): Promise<void>;
  blackhole(): Promise<void>;
  stall(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const host = '127.0.0.1';
  let port = 0;
  let mode: TcpProxy['mode'] = 'forward';
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let server: net.Server | undefined;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };

  const resetAll = () => {
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  };

  const onConnection = (client: net.Socket) => {
    track(client);
    if (mode !== 'forward') return; // held open, never answered
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = net.createServer(onConnection);
      next.once('error', reject);
      next.listen(port, host, () => {
        next.off('error', reject);
        port = (next.address() as net.AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
      resetAll();
    });

  await listen();

  return {
    host,
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    get openConnections() {
      return sockets.size;
    },
    async forward() {
      // Held (blackholed) and stalled sockets are reset: their clients see the failure and reconnect.
      if (mode === 'blackhole' || mode === 'stall') resetAll();
      mode = 'forward';
      if (!server) await listen();
    },
    async cut() {
      mode = 'cut';
      await stopListening();
    },
    async blackhole() {
      mode = 'blackhole';
      resetAll();
      if (!server) await listen();
    },
    async stall() {
      mode = 'stall';
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      if (!server) await listen();
    },
    async close() {
      mode = 'cut';
      await stopListening();
    },
  };
}
