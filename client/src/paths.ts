import type { paths } from './schema.js';

/** The methods of the generated `paths` type (lower case, as openapi-typescript writes them). */
export type PathMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** `/api/projects/{id}/versions/{version}` → `/api/projects/${string}/versions/${string}`. */
export type FilledPath<Template extends string> = Template extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${FilledPath<Tail>}`
  : Template;

/** The operation of a path template for a method (`undefined` when there is none). */
type OperationOf<P extends keyof paths, M extends PathMethod> = NonNullable<paths[P][M & keyof paths[P]]>;

/** The path templates of the API that have an operation for `M`, e.g. `'/api/projects/{id}'` for `put`. */
export type PathTemplateFor<M extends PathMethod> = {
  [P in keyof paths]: [OperationOf<P, M>] extends [never] ? never : P;
}[keyof paths];

/**
 * A concrete API path that accepts `M`, with or without a query: `/api/projects/3f2c…` for `put`, never
 * `/api/project/3f2c…`. Checked by the compiler; what fills a `{param}` is any string.
 */
export type ApiPath<M extends PathMethod> =
  FilledPath<PathTemplateFor<M>> | `${FilledPath<PathTemplateFor<M>>}?${string}`;

/** The path templates whose `M` operation takes a multipart/form-data body (the upload routes). */
export type MultipartPathTemplateFor<M extends PathMethod> = {
  [P in keyof paths]: OperationOf<P, M> extends { requestBody?: infer Body }
    ? NonNullable<Body> extends { content: { 'multipart/form-data': unknown } }
      ? P
      : never
    : never;
}[keyof paths];

/** A concrete path of an upload route for `M`, e.g. `/api/images` (POST) or `/api/drawings/3f2c…` (PUT). */
export type MultipartPath<M extends PathMethod> = FilledPath<MultipartPathTemplateFor<M>>;
