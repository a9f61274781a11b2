/* global window, SwaggerUIBundle */
// Starts Swagger UI on the server's own OpenAPI document. Kept out of the HTML so that the page runs
// under the API's Content-Security-Policy (script-src 'self', no inline scripts).
'use strict';

window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  docExpansion: 'list',
  filter: true,
  displayRequestDuration: true,
  // Keeps the token entered under "Authorize" across reloads (localStorage of this origin).
  persistAuthorization: true,
  // Swagger UI would otherwise send the document to validator.swagger.io for a badge.
  validatorUrl: null,
});
