/** Bytes sent so far of a request body, and its size. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

export interface UploadResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends one encoded body and reports how much of it has gone out. */
export type UploadTransport = (request: UploadRequest) => Promise<UploadResponse>;

/** The part of XMLHttpRequest the browser transport uses (kept structural: no DOM types needed). */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string;
  send(body: Uint8Array): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  upload: {
    onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null;
  };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

type XhrConstructor = new () => XhrLike;

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

/**
 * Browsers: XMLHttpRequest, whose `upload.onprogress` reports the bytes the network stack has sent
 * (fetch has no upload progress in browsers).
 */
export function xhrTransport(Xhr?: XhrConstructor): UploadTransport {
  const Ctor = Xhr ?? (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest;
  if (!Ctor) throw new Error('XMLHttpRequest is not available here; use fetchTransport()');
  return ({ url, method, headers, body, onProgress, signal }) =>
    new Promise<UploadResponse>((resolve, reject) => {
      const xhr = new Ctor();
      xhr.open(method, url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      const total = body.byteLength;
      xhr.upload.onprogress = (event) => onProgress?.({ loaded: event.loaded, total });
      xhr.onload = () => {
        onProgress?.({ loaded: total, total });
        resolve({
          status: xhr.status,
          headers: parseHeaders(xhr.getAllResponseHeaders()),
          text: xhr.responseText,
        });
      };
      xhr.onerror = () => reject(new TypeError('Network request failed'));
      xhr.onabort = () => reject(new DOMException('The upload was aborted', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      onProgress?.({ loaded: 0, total });
      xhr.send(body);
    });
}

/**
 * Anywhere with a streaming fetch (Node 18+, Deno, workers): the body goes out as a stream pulled chunk by
 * chunk, and each chunk is reported when fetch takes it, i.e. when it is handed to the connection.
 */
export function fetchTransport(
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
  chunkBytes = 64 * 1024,
): UploadTransport {
  return async ({ url, method, headers, body, onProgress, signal }) => {
    const total = body.byteLength;
    let offset = 0;
    onProgress?.({ loaded: 0, total });
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= total) {
            controller.close();
            return;
          }
          const chunk = body.slice(offset, Math.min(offset + chunkBytes, total));
          offset += chunk.byteLength;
          controller.enqueue(chunk);
          onProgress?.({ loaded: offset, total });
        },
      },
      // Pull only when fetch asks for more, so progress follows the connection, not a buffer.
      { highWaterMark: 0 },
    );
    const init = { method, headers, body: stream, signal, duplex: 'half' } as RequestInit;
    const response = await send(new Request(url, init));
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

/** The default: XMLHttpRequest where it exists (browsers), else streaming fetch. */
export function defaultTransport(send?: (request: Request) => Promise<Response>): UploadTransport {
  return (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest ? xhrTransport() : fetchTransport(send);
}

export interface MultipartInput {
  /** The file (a Blob or File). */
  file: Blob;
  /** Its name in the form (default: the File's own name, else "upload"). */
  filename?: string;
  /** The form field of the file (default `file`). */
  field?: string;
  /** Text fields; objects (such as `metadata`) are sent as JSON strings, as the API expects. */
  fields?: Record<string, string | number | boolean | object | null | undefined>;
}

/** Encodes a multipart/form-data body once, so its size is known and it can be sent again after a refresh. */
export async function encodeMultipart(
  input: MultipartInput,
): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(input.fields ?? {})) {
    if (value === undefined) continue;
    form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const filename = input.filename ?? (input.file as Blob & { name?: string }).name ?? 'upload';
  // Text fields first: the server reads them before the file.
  form.append(input.field ?? 'file', input.file, filename);
  const encoded = new Response(form);
  return {
    body: new Uint8Array(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? 'multipart/form-data',
  };
}
