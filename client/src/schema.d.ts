export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: 200 while the process runs
         * @description Never touches the database and is not rate limited, so an orchestrator may poll it freely; use `/ready` to know whether requests can be served.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: 200 when the database answers and migrations are current
         * @description Answers 503 while the database is unreachable, migrations are pending, or the process drains.
         */
        get: operations["getReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this process
         * @description Prometheus text format: `http_request_duration_seconds` (histogram by `method`, `route` template and `status`), the database pool gauges (`db_pool_connections_total`, `db_pool_connections_idle`, `db_pool_requests_waiting`) and the default Node.js process metrics, event-loop lag included. When the server has a `METRICS_TOKEN`, it needs `Authorization: Bearer <METRICS_TOKEN>` (else 401). In production (`NODE_ENV=production`) without `METRICS_TOKEN` it answers 404, like a path that does not exist (and the server logs a warning at start): metrics are never public by default.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI 3.1 document
         * @description Generated from the same route declarations that validate requests, so it cannot drift from the server. Public, cacheable for 60 s (`Cache-Control: public, max-age=60`).
         */
        get: operations["getOpenapijson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an account and sign in
         * @description Answers the new user and a token pair, and queues an email-verification mail. An email already registered → 409 `EMAIL_TAKEN`; limited per client IP (429).
         */
        post: operations["postAuthRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with email and password
         * @description A wrong email and a wrong password get the same 401 `INVALID_CREDENTIALS` in about the same time. Failed logins are limited per (account, client IP) and per client IP (`AUTH_RATE_LIMIT` per minute each), and per account across all addresses at 10 times that; correct logins do not count, so wrong passwords from one address never lock the owner out from another.
         */
        post: operations["postAuthLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for a new token pair
         * @description Refresh tokens are single use. Presenting a rotated token again revokes its session (reuse detection), except within `REFRESH_REUSE_GRACE_S` seconds of its rotation, where racing tabs each get a fresh pair.
         */
        post: operations["postAuthRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke the session of a refresh token
         * @description A refresh token that is not the caller's is a 204 that revokes nothing.
         */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke every session of the caller
         * @description Every refresh token of the user stops working, this session's too. Access tokens already issued stay valid until they expire (at most `ACCESS_TOKEN_TTL`).
         */
        post: operations["postAuthLogoutAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user
         * @description The account behind the access token. A valid token whose account has been deleted → 401 `UNAUTHENTICATED`.
         */
        get: operations["getAuthMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's live sessions
         * @description Sessions not revoked and not expired, newest first, paginated; `current` marks the session of the access token used.
         */
        get: operations["getAuthSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke one of the caller's sessions
         * @description Its refresh token stops working (its access tokens live until they expire). A session that is not the caller's, or is already revoked or expired → 404.
         */
        delete: operations["deleteAuthSessionsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mail a password-reset link
         * @description Always 202 with no body, whether or not an account has this email, and in about the same time: the lookup and the mail happen after the response. When the address has an account, it gets a link to `APP_URL/reset-password?token=…` that works once, for 1 hour; a newer request replaces the older link. Limited to `MAIL_RATE_LIMIT` requests per minute per client IP and per address (429).
         */
        post: operations["postAuthPasswordForgot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a mailed reset token
         * @description The token from the reset link works once, within 1 hour, and only while it is the newest one mailed. A bad, used, expired or superseded token → 400 `INVALID_TOKEN`. On success every session of the user is revoked (their refresh tokens stop working; access tokens live until they expire), and the address counts as verified, since the link reached it. `newPassword` follows the register rules.
         */
        post: operations["postAuthPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/email/verify-request": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mail a link that verifies the caller's email address
         * @description Mails a link to `APP_URL/verify-email?token=…` that works once, for 24 hours; a newer request replaces the older link (register mails the first one). 202 with no body; nothing is mailed when the address is already verified. Limited to `MAIL_RATE_LIMIT` per minute per user and per client IP (429). With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        post: operations["postAuthEmailVerifyRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/email/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify an email address with a mailed token
         * @description The token from the verification link works once, within 24 hours, while it is the newest one mailed and the account still has the address it was mailed to. A bad, used, expired or superseded token → 400 `INVALID_TOKEN`. On success `emailVerified` is true. With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        post: operations["postAuthEmailVerify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Interactive API docs (Swagger UI)
         * @description An HTML page that renders `/api/openapi.json` and can send requests ("Try it out"). Its scripts and styles come from this server, so it works under the API’s Content-Security-Policy.
         */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete the caller's account
         * @description Needs the password (wrong → 403 `INVALID_PASSWORD`). Every row of the user goes in one transaction; their stored files are deleted after it commits.
         */
        delete: operations["deleteUsersMe"];
        options?: never;
        head?: never;
        /**
         * Change the caller's display name or settings
         * @description `settings` is replaced whole (at most 16 KB of JSON). Fields a user may not set (email, role, plan, counters) are refused with 400.
         */
        patch: operations["patchUsersMe"];
        trace?: never;
    };
    "/api/users/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the caller's password
         * @description Needs the current password (wrong → 403 `INVALID_PASSWORD`). Every other session is revoked; the session of the access token used stays signed in. Not idempotent by key: a stored fingerprint would be an unsalted hash of the passwords.
         */
        post: operations["postUsersMePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's stored AI-provider keys, masked
         * @description Ordered by provider. Only the last four characters of each key are shown.
         */
        get: operations["getApiKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/api-keys/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's key for a provider, in plaintext
         * @description Answers `Cache-Control: private, no-store` (as every authenticated answer does) and sets `lastUsedAt`. A stored key that no longer decrypts (tampered with, or its master key was removed) answers 409 `KEY_UNREADABLE`: store it again.
         */
        get: operations["getApiKeysByProvider"];
        /**
         * Store or replace the caller's key for a provider
         * @description Encrypted at rest (AES-256-GCM, bound to the owner). 201 with `Location` when created, 200 when an existing key was replaced. A PUT replaces the whole entry: a `label` left out becomes null.
         */
        put: operations["putApiKeysByProvider"];
        post?: never;
        /**
         * Delete the caller's key for a provider
         * @description The encrypted key is deleted for good; a new one can be stored with PUT. No key for that provider → 404.
         */
        delete: operations["deleteApiKeysByProvider"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record a batch of usage events
         * @description 1..100 events. The batch is all or nothing: one invalid event refuses it with 400 (`errors[].path` names the event's index, e.g. `events.3.type`), a `projectId` that is not the caller's with 404. The types the server records itself (`user.registered`, `user.login`, `user.password_reset`, `project.created`, `story.created`, `image.created`, `drawing.created`, `template.used`, `export.created`, `plan.changed`) are reserved: a client event naming one → 400. `occurredAt` may be at most 7 days in the past and 5 minutes in the future (else 400): a queue kept offline for a few days still goes in, history cannot be rewritten.
         */
        post: operations["postAnalyticsEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/analytics/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's events by type and by day
         * @description `from` (inclusive) and `to` (exclusive) are ISO dates or date-times; by default the last 30 UTC days including today. Days are UTC days.
         */
        get: operations["getAnalyticsSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/analytics/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Everyone's events by type and by day, with active users per day
         * @description Admins only (others: 403). Same range rules as `/api/analytics/summary`.
         */
        get: operations["getAdminAnalyticsSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's projects, own and shared
         * @description Own and shared projects, each with `ownerId` and the caller's `role` (`owner`, `editor`, `viewer`); `role=…` keeps the projects where the caller has that role. `q` matches title or description case-insensitively; `status`, `category` and `tag` are exact. `counts` are numbers of the project's stories, images and drawings (kept on the project, not counted per read). Page with `page`, or with `cursor` (the `nextCursor` of the page before: keyset pagination, as cheap on page 500 as on page 1); `page` and `cursor` together → 400.
         */
        get: operations["getProjects"];
        put?: never;
        /**
         * Create a project
         * @description New projects start as `draft` at version 1. With `templateId` this is `POST /api/templates/{id}/use`: the project starts as a copy of the template's content (a use is counted; a premium template needs the plan: 403 `PLAN_REQUIRED`; someone else's private template: 404), and the fields given override the template's. Stored text (settings, story content) counts against the caller's storage: past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing is created.
         */
        post: operations["postProjects"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One project, optionally with its children
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. `include` embeds any of `stories`, `images`, `drawings` under those keys, each in list order: at most the first 200 of each kind. The project's `counts` tell whether there are more (`counts.stories > 200`); the list routes (`GET /api/stories?projectId=…&page=…`, likewise images and drawings) page through all of them. With `If-None-Match` naming the current `ETag` (or `*`) the answer is 304 without a body — except with `include`: the ETag is the project's version, which its children do not move, so an answer that embeds them is always 200.
         */
        get: operations["getProjectsById"];
        /**
         * Change any subset of a project's writable fields
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). Each PUT makes a new version (version + 1) with a snapshot. `coverImageId` must be one of the project's own images, or null. `settings` count against the owner's storage by their UTF-8 bytes (`{}`: 0): growing past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing changes.
         */
        put: operations["putProjectsById"];
        post?: never;
        /**
         * Delete a project with its stories, images, drawings and their files
         * @description Owner only (an editor or viewer: 403 `FORBIDDEN`; anyone else: 404). All in one transaction, with its version history; the stored files are deleted after the commit. Honours `If-Match` (412); someone else's project → 404.
         */
        delete: operations["deleteProjectsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/duplicate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deep-copy a project (all or nothing)
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Copies the project with its stories, images, drawings and files in one transaction, titled "<title> (copy)" unless `title` is given (a long title is shortened to fit 200 characters). The copy starts its own history at version 1 and belongs to the caller, whatever their role on the source. The copied files and text count against the caller's storage quota: a copy that would pass it answers 403 `STORAGE_QUOTA_EXCEEDED` and copies nothing.
         */
        post: operations["postProjectsByIdDuplicate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's versions, newest first
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Includes version 1 (the creation). `changedBy` names who made each version (the owner or an editor).
         */
        get: operations["getProjectsByIdVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's fields as they were at one version
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. `snapshot` holds the fields then and `changedFields` what that version changed. A version the project never had, or someone else's project → 404.
         */
        get: operations["getProjectsByIdVersionsByVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/versions/{version}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a past version's fields current, as a new version
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). Honours `If-Match` (the current version). A cover image that is no longer one of the project's images is not restored (the cover becomes null).
         */
        post: operations["postProjectsByIdVersionsByVersionRestore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's owner and members
         * @description Any member of the project (owner, editor, viewer); anyone else gets 404. The owner comes first (role `owner`, `addedAt` the project's `createdAt`), then the members by when they joined.
         */
        get: operations["getProjectsByIdMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's pending invitations
         * @description The project owner only: an editor or viewer gets 403 `FORBIDDEN`, anyone else 404. Invitations still waiting for an answer, newest first; one past its `expiresAt` answers with status `expired` until it is replaced or revoked.
         */
        get: operations["getProjectsByIdInvitations"];
        put?: never;
        /**
         * Invite an email address to the project
         * @description The project owner only: an editor or viewer gets 403 `FORBIDDEN`, anyone else 404. Mails `email` a link to `APP_URL/accept-invitation?token=…` that works once, for 7 days (`POST /api/invitations/accept`). A pending invitation to the same address (case-insensitive) is replaced: its link stops working. The address of the owner or of a member → 409 `ALREADY_MEMBER`. Members and pending, unexpired invitations together are limited by the owner's plan (`PLAN_FREE_COLLABORATORS` 2, `PLAN_PRO_COLLABORATORS` 10, `PLAN_ENTERPRISE_COLLABORATORS` 100): past it → 403 `PLAN_REQUIRED`. Limited to `MAIL_RATE_LIMIT` invitations per minute per caller (429).
         */
        post: operations["postProjectsByIdInvitations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/invitations/{invitationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a pending invitation
         * @description The project owner only: an editor or viewer gets 403 `FORBIDDEN`, anyone else 404. Its link stops working. An invitation that is not pending any more (accepted, declined, revoked or replaced) or of another project → 404.
         */
        delete: operations["deleteProjectsByIdInvitationsByInvitationId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Invitations to the caller's email address
         * @description Pending, unexpired invitations addressed to the caller's email address (case-insensitive), newest first. Needs a verified email address (403 `EMAIL_NOT_VERIFIED`, whatever `REQUIRE_VERIFIED_EMAIL` says): until it is verified, invitations to the address are not known to be the caller's.
         */
        get: operations["getInvitations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Join a project with a mailed invitation token
         * @description Any signed-in user: the token from the mailed link proves the invited address, so the caller may be signed in under another one (and need not have verified it). The caller joins with the invited role and the token is spent. A bad, used, revoked, declined, replaced or expired token → 400 `INVALID_TOKEN`; the caller already owns the project or is a member → 409 `ALREADY_MEMBER` (the invitation stays pending).
         */
        post: operations["postInvitationsAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation to the caller's email address
         * @description A pending, unexpired invitation addressed to the caller's email address (else 404). Needs a verified email address (403 `EMAIL_NOT_VERIFIED`, whatever `REQUIRE_VERIFIED_EMAIL` says): until it is verified, invitations to the address are not known to be the caller's. The caller already owns the project or is a member → 409 `ALREADY_MEMBER`.
         */
        post: operations["postInvitationsByIdAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline an invitation to the caller's email address
         * @description A pending, unexpired invitation addressed to the caller's email address (else 404); its link stops working. Needs a verified email address (403 `EMAIL_NOT_VERIFIED`, whatever `REQUIRE_VERIFIED_EMAIL` says): until it is verified, invitations to the address are not known to be the caller's.
         */
        post: operations["postInvitationsByIdDecline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member, or leave the project
         * @description The owner removes any member; a member (editor or viewer) removes only themself, that is leaves (another member's `userId` → 403 `FORBIDDEN`); anyone else gets 404. `userId` not a member → 404. The owner cannot leave: 409 `OWNER_CANNOT_LEAVE` (transfer the project first). Takes effect at the member's next request.
         */
        delete: operations["deleteProjectsByIdMembersByUserId"];
        options?: never;
        head?: never;
        /**
         * Change a member's role
         * @description The project owner only: an editor or viewer gets 403 `FORBIDDEN`, anyone else 404. `userId` not a member → 404. The owner's own role cannot change: 409 `OWNER_ROLE_FIXED` (transfer the project instead). Takes effect at the member's next request.
         */
        patch: operations["patchProjectsByIdMembersByUserId"];
        trace?: never;
    };
    "/api/projects/{id}/transfer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give the project to one of its members
         * @description The project owner only: an editor or viewer gets 403 `FORBIDDEN`, anyone else 404. In one transaction the member `userId` becomes the owner and the caller an editor. The project's stored files (image originals, drawing PNGs) and text move from the caller's storage use to the new owner's; past the new owner's plan limit → 403 `STORAGE_QUOTA_EXCEEDED` and nothing changes. `userId` that is not a member (or is the caller) → 400 `VALIDATION_ERROR`. Concurrent transfers of one project run one after another (409 `CONFLICT` only if it keeps changing hands: try again). Answers the project as the caller now sees it: `ownerId` the new owner, `role` `editor`.
         */
        post: operations["postProjectsByIdTransfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's stories
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Ordered by `position`, then `createdAt`. With `projectId`, that project's only (someone else's → 404).
         */
        get: operations["getStories"];
        put?: never;
        /**
         * Create a story in one of the caller's projects
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). `wordCount` is computed by the server. Without `position` the story goes last. `content` counts against the project owner's storage by its UTF-8 bytes: past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED` and nothing is stored.
         */
        post: operations["postStories"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One story
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. With its `version` in the body and in `ETag` (send it back as `If-Match` to write safely). Someone else's story → 404.
         */
        get: operations["getStoriesById"];
        /**
         * Change any subset of a story's fields, or move it to another project
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). `projectId` moves the story to another project of the same owner that the caller may write (another owner's: 400). Each PUT is version + 1. A `content` that grows the project owner's storage past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing changes.
         */
        put: operations["putStoriesById"];
        post?: never;
        /**
         * Delete a story
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). Images attached to it stay in the project, no longer attached to a story. Honours `If-Match` (412); someone else's story → 404.
         */
        delete: operations["deleteStoriesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's images
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Ordered by `position`, then `createdAt`. With `projectId` or `storyId`, only that project's or story's (someone else's → 404). `url` and `thumbnailUrl` are fresh signed URLs.
         */
        get: operations["getImages"];
        put?: never;
        /**
         * Upload an image into one of the caller's projects
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). A `multipart/form-data` body: the image in `file` and the other fields as text (`metadata` as a JSON string). PNG, JPEG and WebP are accepted, judged by the bytes (not the name or the part's Content-Type): anything else, or a file that does not decode, → 415; over `MAX_UPLOAD_BYTES` (default 10 MB) → 413; over 100 megapixels → 400. The original counts towards the storage limit of the caller's plan: past it → 403 `STORAGE_QUOTA_EXCEEDED`. Nothing is stored when an upload is refused. Someone else's `projectId` or `storyId` → 404; a story of another project → 400. With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        post: operations["postImages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/images/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One image, with fresh signed URLs
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. `url` and `thumbnailUrl` are new on every GET and live `SIGNED_URL_TTL` seconds; fetch the image again for new ones. Someone else's image → 404.
         */
        get: operations["getImagesById"];
        /**
         * Change an image's fields (not its file), or move it to another project
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). Any subset of the fields. `projectId` moves the image to another project of the same owner that the caller may write (another owner's: 400) (someone else's → 404); a `storyId` must be a story of the image's (new) project (400), and a move without one clears the story. A moved image's drawings stay in their project, no longer attached to it, and it stops being the old project's cover.
         */
        put: operations["putImagesById"];
        post?: never;
        /**
         * Delete an image and its stored files
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). Its original's size is released from the project owner's storage use. Drawings of the image stay, no longer attached to it; a project whose cover it was has no cover.
         */
        delete: operations["deleteImagesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/drawings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's drawings
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. In creation order. With `projectId` or `imageId`, only that project's or image's (someone else's → 404). `url` is a fresh signed URL of the PNG, or null.
         */
        get: operations["getDrawings"];
        put?: never;
        /**
         * Create a drawing in one of the caller's projects
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). The body is JSON (at most 8388608 bytes, else 413) or `multipart/form-data` with the same fields as text (`data` as a JSON string) and an optional rendered PNG in `file` (another type → 415, over MAX_UPLOAD_BYTES → 413). `data` over 5 MB → 400. The PNG and `data` (its UTF-8 bytes as stored) count towards the project owner's storage limit: past it → 403 `STORAGE_QUOTA_EXCEEDED`, and nothing is stored. `imageId` must be an image of the drawing's project (someone else's → 404, another project's → 400). With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        post: operations["postDrawings"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/drawings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One drawing
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. With its vector `data`, its `version` (also in `ETag`) and, when it has a PNG, a fresh signed `url`. Someone else's drawing → 404.
         */
        get: operations["getDrawingsById"];
        /**
         * Change a drawing, replace its PNG, or move it to another project
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). The body is JSON (at most 8388608 bytes, else 413) or `multipart/form-data` with the same fields as text (`data` as a JSON string) and an optional rendered PNG in `file` (another type → 415, over MAX_UPLOAD_BYTES → 413). `data` over 5 MB → 400. The PNG and `data` (its UTF-8 bytes as stored) count towards the project owner's storage limit: past it → 403 `STORAGE_QUOTA_EXCEEDED`, and nothing is stored. Any subset of the fields, a new PNG, or both (not neither: 400); each PUT is version + 1. Without a file the stored PNG is kept. `projectId` moves the drawing to another project of the same owner that the caller may write (another owner's: 400); without `imageId` its image is then cleared. With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        put: operations["putDrawingsById"];
        post?: never;
        /**
         * Delete a drawing and its PNG
         * @description Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). The PNG is deleted after the commit and the project owner's storage use drops by its size. Honours `If-Match` (412); someone else's drawing → 404.
         */
        delete: operations["deleteDrawingsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/billing/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The plans: storage limits, features and Stripe prices
         * @description Public: `{ data: [...] }` with each plan's storage limit, features and the Stripe price of each billing interval it is offered in (none for free).
         */
        get: operations["getBillingPlans"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/billing/subscription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's plan and subscription
         * @description A user who never subscribed gets `{ plan: "free", status: "active", currentPeriodEnd: null, cancelAtPeriodEnd: false }`; otherwise the plan, status and period as Stripe's webhooks last reported them.
         */
        get: operations["getBillingSubscription"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/billing/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a Stripe Checkout for a paid plan
         * @description Answers the URL of a Stripe Checkout session (subscription mode) for the plan and interval. The caller's Stripe customer is created on the first checkout and reused after. An interval with no configured price → 400; a caller who already has a live subscription → 409 `ALREADY_SUBSCRIBED` (use the portal to change plans); Stripe not configured → 503 `BILLING_DISABLED`; Stripe unreachable → 503 `SERVICE_UNAVAILABLE` with `Retry-After`. With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        post: operations["postBillingCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/billing/portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open the Stripe customer portal
         * @description Answers the URL of a Stripe customer-portal session, where the caller changes plan, payment method or cancels. A caller who never started a checkout has no billing account → 404; Stripe not configured → 503 `BILLING_DISABLED`; Stripe unreachable → 503 `SERVICE_UNAVAILABLE`. With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 `EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).
         */
        post: operations["postBillingPortal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/billing/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe webhook
         * @description Stripe-signed events (`Stripe-Signature` header over the raw body). Handles `checkout.session.completed`, `customer.subscription.created|updated|deleted`, `invoice.paid` and `invoice.payment_failed`; other types answer 200 and change nothing. Missing or bad signature, or a signature timestamp older than 5 minutes → 400 `INVALID_SIGNATURE`; no webhook secret configured → 503 `BILLING_DISABLED`. Each event id is applied once; out-of-order events never move a subscription back to an older state; a processing failure answers 5xx so Stripe retries.
         */
        post: operations["postBillingWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/files/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A stored file, through a signed URL
         * @description The `url` and `thumbnailUrl` of images and drawings, and the `url` of finished export jobs and archives, point here when files are on local disk (`STORAGE_DRIVER=local`; with S3 they are presigned bucket URLs). The URL is only valid as issued: a changed key, expiry or signature, or an expired URL (`SIGNED_URL_TTL`), answers 403 `FORBIDDEN`.
         */
        get: operations["getFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List public templates, plus the caller's own private ones
         * @description Public; with a token the caller's own private templates are listed too. `q` matches title or description case-insensitively; `category` and `tag` are exact. `sort=-ratingAverage` puts templates without ratings last; ties in every order go newest first.
         */
        get: operations["getTemplates"];
        put?: never;
        /**
         * Create a template
         * @description `fromProjectId` snapshots one of the caller's projects (its settings and stories, in order) as the content — owner only: an editor or viewer of a shared project gets 403 `FORBIDDEN`, someone who is not a member 404; it cannot be combined with `content`. Without either the content is empty. New templates are private unless `isPublic` is true. Only administrators may send `isPremium` (others: 403). The content counts against the owner's storage (403 `STORAGE_QUOTA_EXCEEDED` past the plan's limit).
         */
        post: operations["postTemplates"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One template
         * @description Public for public templates; a private one only for its owner (and administrators), else 404. A premium template's `content` is answered only to its owner, administrators and users whose plan includes premium templates; anyone else (anonymous callers too) gets `content: null` and `contentLocked: true`. With `If-None-Match` naming the current `ETag` (or `*`) the answer is 304 without a body. A locked answer carries `ETag: W/"<version>-locked"`: another representation of the same version, so a reader who upgrades gets the content instead of a 304 (and a weak tag never passes `If-Match`). The version (and so the ETag) changes with the template's own fields, not with `useCount` or the ratings.
         */
        get: operations["getTemplatesById"];
        /**
         * Change any subset of a template's fields
         * @description Owner or administrator only: others get 403 on a public template and 404 on a private one. `content` is replaced whole. Only administrators may send `isPremium`. Version + 1; with `If-Match` naming another version → 412 `VERSION_CONFLICT` and nothing changes. The content counts against the owner's storage (403 `STORAGE_QUOTA_EXCEEDED` past the plan's limit).
         */
        put: operations["putTemplatesById"];
        post?: never;
        /**
         * Delete a template and its ratings
         * @description Owner or administrator only: others get 403 on a public template and 404 on a private one. Projects made from it stay. With `If-Match` naming another version → 412 and nothing is deleted.
         */
        delete: operations["deleteTemplatesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/{id}/use": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a new project from a template
         * @description In one transaction: `useCount` + 1, a new project with the template's title (unless `title`), description, category, tags and settings, and its stories in order. A premium template needs a plan with premium templates (403 `PLAN_REQUIRED`), except for its owner. Someone else's private template is 404. Same as `POST /api/projects` with `templateId`. The new settings and stories count against the caller's storage: past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing is created.
         */
        post: operations["postTemplatesByIdUse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/templates/{id}/ratings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A template's ratings, most recently changed first
         * @description Public for public templates; a private one's only for its owner (and administrators).
         */
        get: operations["getTemplatesByIdRatings"];
        /**
         * Rate a template (the caller's one rating, inserted or replaced)
         * @description `rating` is an integer 1..5; `review` is optional (at most 2,000 characters) and is replaced with the rating (omitted: none). Rating one's own template is 403. The template's `ratingAverage` and `ratingCount` change in the same transaction. Answers the caller's rating.
         */
        put: operations["putTemplatesByIdRatings"];
        post?: never;
        /**
         * Remove the caller's rating of a template
         * @description 404 when the caller has no rating of it.
         */
        delete: operations["deleteTemplatesByIdRatings"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export the project as a print-ready coloring book (PDF)
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Streams a PDF: a title page, then the `page` images by `position` (each fitted into the safe area without distortion, followed by the drawings made on it), story text before its first page (`includeStories`), the other drawings, page numbers, and the title and author in its metadata. Every page has a TrimBox and a BleedBox; with `bleed` the page is 0.125 in larger on the top, bottom and outer edge. The page count is always even. See docs/export.md for the layout rules. No project → 404; no coloring page → 400 `EMPTY_PROJECT`; a printed file missing from the store → 409 `FILE_MISSING` with its `imageId` (or `drawingId`) and `missing`, the whole list. Every file is checked before the first byte, so the answer is a whole PDF or a problem; if a file still fails mid-stream the connection is cut, never a short PDF. Not replayable: `Idempotency-Key` is not honoured here (a stream has nothing to replay; repeating the request exports again). Renders are bounded: at most `EXPORT_CONCURRENCY` at once per server process (default 1); the rest wait in order for a slot, at most `EXPORT_QUEUE_TIMEOUT_MS` (default 30 s), else 503 `SERVICE_UNAVAILABLE` with `Retry-After` (also at once when 10 per slot are already waiting). A user may have 2 exports in progress (waiting or rendering); the next one → 429 `RATE_LIMITED` with `Retry-After`. See docs/export.md. `X-Export-Warnings` counts the warnings the preflight reports for the same options (low DPI, page count outside paperback limits).
         */
        post: operations["postProjectsByIdExport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/export/preflight": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check a project before exporting it
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. What the export would print with the same options: the page count (always even), the paperback spine width (0.0025 in per page), binding fit, the margins, and for every page that prints an image its effective DPI at the trim size with its warnings (`LOW_DPI` under 300 DPI, `FILE_MISSING`). Problems the export refuses (no coloring page, missing files) are reported here as warnings, not errors. `X-Export-Warnings` counts the warnings the preflight reports for the same options (low DPI, page count outside paperback limits).
         */
        get: operations["getProjectsByIdExportPreflight"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start an export job (a print-ready PDF, rendered in the background)
         * @description Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Takes the options of `POST /api/projects/{id}/export` and answers at once with the queued job and `Location: /api/exports/{jobId}`. The checks the export makes come first, as answers: no coloring page → 400 `EMPTY_PROJECT`, a printed file missing → 409 `FILE_MISSING`. A user may have 3 jobs queued or running; the next → 429 `RATE_LIMITED` with `Retry-After`. Renders run at most `EXPORT_CONCURRENCY` at once per worker process (shared with the synchronous export). A job whose process dies runs again elsewhere; after 3 failed attempts it is `failed` with a message. Deleting the project cancels its jobs. The job runs on a worker process (docs/jobs.md): `GET /api/exports/{id}` (or `event: export` on `GET /api/sync/stream`) shows its `status` and `progress`; once `succeeded`, `url` downloads the PDF until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h).
         */
        post: operations["postProjectsByIdExports"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's export jobs, newest first
         * @description Jobs the caller started (whatever their role on the project), kept until `expiresAt`. `projectId` narrows the list to one project's jobs. The job runs on a worker process (docs/jobs.md): `GET /api/exports/{id}` (or `event: export` on `GET /api/sync/stream`) shows its `status` and `progress`; once `succeeded`, `url` downloads the PDF until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h).
         */
        get: operations["getExports"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One export job: its status, progress and download URL
         * @description Only the job's starter; anyone else: 404. The job runs on a worker process (docs/jobs.md): `GET /api/exports/{id}` (or `event: export` on `GET /api/sync/stream`) shows its `status` and `progress`; once `succeeded`, `url` downloads the PDF until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h).
         */
        get: operations["getExportsById"];
        put?: never;
        post?: never;
        /**
         * Cancel an export job, or remove a finished one and its file
         * @description Only the job's starter; anyone else: 404. A `queued` or `running` job is canceled: it never starts, or its render stops at the next page and its partial file is removed; the job stays, `canceled`, until `expiresAt`. A finished job (`succeeded`, `failed`, `canceled`) is removed with its file: a later GET is 404.
         */
        delete: operations["deleteExportsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/archives": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's archive jobs, newest first
         * @description Kept until `expiresAt`. The archive is written by a worker process (docs/jobs.md): `GET /api/users/me/archives/{id}` shows its `status` and `progress`; once `succeeded`, `url` downloads the ZIP until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h). What the ZIP holds: docs/archive.md.
         */
        get: operations["getUsersMeArchives"];
        put?: never;
        /**
         * Start an archive of everything the caller owns (one ZIP, made in the background)
         * @description Answers at once with the queued job and `Location: /api/users/me/archives/{id}`. The ZIP holds `account.json`, one folder per owned project (`project.json` with its fields, versions, stories and drawings; image originals and drawing PNGs by id), the caller’s templates and ratings, and `manifest.json` (format version, counts, each entry’s SHA-256). Never a password hash, a token or an AI key. At most 1 archive queued or running per user; the next → 429 `RATE_LIMITED` with `Retry-After`. The archive is written by a worker process (docs/jobs.md): `GET /api/users/me/archives/{id}` shows its `status` and `progress`; once `succeeded`, `url` downloads the ZIP until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h). What the ZIP holds: docs/archive.md.
         */
        post: operations["postUsersMeArchives"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/archives/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One archive job: its status, progress and download URL
         * @description Only the caller's own; anyone else's: 404. The archive is written by a worker process (docs/jobs.md): `GET /api/users/me/archives/{id}` shows its `status` and `progress`; once `succeeded`, `url` downloads the ZIP until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h). What the ZIP holds: docs/archive.md.
         */
        get: operations["getUsersMeArchivesById"];
        put?: never;
        post?: never;
        /**
         * Cancel an archive job, or remove a finished one and its ZIP
         * @description Only the caller’s own; anyone else’s: 404. A `queued` or `running` archive is canceled: nothing is stored, and the job stays, `canceled`, until `expiresAt`. A finished one is removed with its ZIP: a later GET is 404.
         */
        delete: operations["deleteUsersMeArchivesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's import jobs, newest first
         * @description Kept until `expiresAt`. The import runs on a worker process: `GET /api/users/me/imports/{id}` shows its `status`, `progress` and `projectsImported`. An archive that is refused ends the job `failed` with `error` = `CODE: message` (`NOT_A_ZIP`, `UNSUPPORTED_FORMAT_VERSION`, `UNSAFE_PATH`, `ZIP_BOMB`, `MANIFEST_MISMATCH`, `INVALID_ARCHIVE`, `FILE_TYPE_MISMATCH`, `STORAGE_QUOTA_EXCEEDED`) and nothing of it is kept; the whole archive is checked before the first project is written.
         */
        get: operations["getUsersMeImports"];
        put?: never;
        /**
         * Import an archive (a ZIP made by POST /api/users/me/archives) as new projects
         * @description A `multipart/form-data` body with the ZIP in `file`, at most `IMPORT_MAX_BYTES` (default 512 MB; past it → 413). Answers at once with the queued job and `Location: /api/users/me/imports/{id}`. Each archived project becomes a new project of the caller (new ids, references re-pointed, versions and times kept), all or nothing per project, within the caller’s storage limit; the account’s own settings, templates and ratings are not changed. The archive may unpack to at most 20× `IMPORT_MAX_BYTES` and hold at most 10,000 entries. At most 1 import queued or running per user; the next → 429 `RATE_LIMITED` (nothing is kept of its upload). The import runs on a worker process: `GET /api/users/me/imports/{id}` shows its `status`, `progress` and `projectsImported`. An archive that is refused ends the job `failed` with `error` = `CODE: message` (`NOT_A_ZIP`, `UNSUPPORTED_FORMAT_VERSION`, `UNSAFE_PATH`, `ZIP_BOMB`, `MANIFEST_MISMATCH`, `INVALID_ARCHIVE`, `FILE_TYPE_MISMATCH`, `STORAGE_QUOTA_EXCEEDED`) and nothing of it is kept; the whole archive is checked before the first project is written.
         */
        post: operations["postUsersMeImports"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One import job: its status, progress and the projects imported
         * @description Only the caller's own; anyone else's: 404. The import runs on a worker process: `GET /api/users/me/imports/{id}` shows its `status`, `progress` and `projectsImported`. An archive that is refused ends the job `failed` with `error` = `CODE: message` (`NOT_A_ZIP`, `UNSUPPORTED_FORMAT_VERSION`, `UNSAFE_PATH`, `ZIP_BOMB`, `MANIFEST_MISMATCH`, `INVALID_ARCHIVE`, `FILE_TYPE_MISMATCH`, `STORAGE_QUOTA_EXCEEDED`) and nothing of it is kept; the whole archive is checked before the first project is written.
         */
        get: operations["getUsersMeImportsById"];
        put?: never;
        post?: never;
        /**
         * Cancel an import job, or remove a finished one
         * @description Only the caller’s own; anyone else’s: 404. A `queued` or `running` import is canceled: it stops before its next project (the project being written is rolled back; those finished before stay) and its uploaded ZIP is deleted. A finished one is removed: a later GET is 404.
         */
        delete: operations["deleteUsersMeImportsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sync/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What changed in everything the caller can see (the sync feed)
         * @description The user, every project the caller owns or is a member of, and their stories, images and drawings (docs/sync.md). Without `since`: all of it, as upserts, paged. With the `cursor` of an earlier answer: what changed after it, in commit order, each resource at most once per answer (its latest state). `data` is the resource as its own GET answers it; a delete has `data: null`. A project the caller lost access to (deleted, removed, left) comes as a delete (its children are gone with it); one they gained comes with all its children. Pull again with the new `cursor` while `hasMore`; applying the changes in order gives what the GETs answer. A cursor older than the retained log (SYNC_RETENTION_DAYS, default 30) → 410 `CURSOR_EXPIRED`: pull the full state again.
         */
        get: operations["getSyncChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sync/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a ticket to open the change stream without an Authorization header
         * @description For clients that cannot set headers on the stream request (a browser `EventSource`): answers a ticket, valid 60 s and once, bound to the caller and their session: `GET /api/sync/stream?ticket=<ticket>` opens the stream as the caller. Only its hash is stored. A stream opened with it ends when the access token that asked for it expires, or when the session is revoked.
         */
        post: operations["postSyncTickets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sync/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream every change the caller can see (server-sent events)
         * @description Server-sent events (`text/event-stream`): every change the caller can see, live (docs/sync.md). Authenticate with `Authorization: Bearer <accessToken>`, or, where headers cannot be set (a browser `EventSource`), with `?ticket=` from `POST /api/sync/tickets` (single use, 60 s; unknown, used or expired → 401 `UNAUTHENTICATED`). On connect the stream replays what changed after `since` (or the `Last-Event-ID` header an `EventSource` sends when it reconnects; without either: the full state, as upserts), then sends each change within about a second of its commit, whichever server process wrote it. Events:
         *
         *     - `id: <cursor>` / `event: change` / `data: <Change JSON>` — one per change, in commit order; `data` is a `Change` exactly as `GET /api/sync/changes` lists it. The `id` is a cursor to resume from: reconnecting with it replays nothing already applied (a change may come again after a cut; applying it twice changes nothing).
         *     - `: heartbeat` — a comment every `SYNC_HEARTBEAT_S` seconds (default 25), so proxies keep the connection open.
         *     - `retry: <ms>` — sent before the server closes the stream for a restart: reconnect after that long.
         *
         *     The stream ends when the access token (the one that asked for the ticket, for a ticket) expires and when the session is revoked (checked every `SYNC_SESSION_CHECK_S` seconds, at most 30): reconnect with a fresh token. At most 5 open streams per user (across server processes when `REDIS_URL` is set, per process otherwise); the next → 429 `RATE_LIMITED` with `Retry-After`. A malformed cursor → 400 `VALIDATION_ERROR`, one older than the retained change log → 410 `CURSOR_EXPIRED` (pull the full state again), both before the stream starts; while the server drains for a restart, 503 `SERVICE_UNAVAILABLE` with `Retry-After`. Never compressed. Later event kinds (e.g. `event: export`) carry no `id`; clients ignore kinds they do not know.
         */
        get: operations["getSyncStream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description What went wrong, stable for clients to act on. Each code comes with one status (ADR 0017):
         *
         *     | Code | Status | Title | When |
         *     | --- | --- | --- | --- |
         *     | `VALIDATION_ERROR` | 400 | Invalid input | A parameter, query, header or body field is missing or wrong; `errors` names each field |
         *     | `INVALID_JSON` | 400 | Invalid JSON | The body is not valid JSON |
         *     | `MALFORMED_REQUEST` | 400 | Malformed request | The request is not valid HTTP/1.1 (refused by the HTTP parser; the connection is closed) |
         *     | `INVALID_SIGNATURE` | 400 | Invalid signature | A Stripe webhook whose `Stripe-Signature` is missing or does not match the body |
         *     | `INVALID_TOKEN` | 400 | Invalid token | A password-reset or email-verification token that is unknown, used, expired or superseded |
         *     | `EMPTY_PROJECT` | 400 | Empty project | An export of a project without coloring pages |
         *     | `UNAUTHENTICATED` | 401 | Unauthenticated | The access (or refresh) token is missing, malformed, expired or revoked, or its account is gone |
         *     | `INVALID_CREDENTIALS` | 401 | Invalid credentials | Login with an unknown email or a wrong password |
         *     | `FORBIDDEN` | 403 | Forbidden | Authenticated, but this caller may not do this (not the owner, not an admin, a bad file URL) |
         *     | `PLAN_REQUIRED` | 403 | Plan required | A premium template used on a plan without premium templates |
         *     | `STORAGE_QUOTA_EXCEEDED` | 403 | Storage quota exceeded | The write would take the user past their plan's storage limit |
         *     | `EMAIL_NOT_VERIFIED` | 403 | Email not verified | With `REQUIRE_VERIFIED_EMAIL=true`: an upload or billing call before the email is verified |
         *     | `INVALID_PASSWORD` | 403 | Invalid password | The current password given to change the password or delete the account is wrong |
         *     | `NOT_FOUND` | 404 | Not found | No such resource for this caller, or no route for the path |
         *     | `METHOD_NOT_ALLOWED` | 405 | Method not allowed | The path exists, but not with this method; `Allow` lists the ones it takes |
         *     | `REQUEST_TIMEOUT` | 408 | Request timeout | The request did not arrive in time (the connection is closed) |
         *     | `CONFLICT` | 409 | Conflict | The write conflicts with an existing resource (a uniqueness the database enforces) |
         *     | `EMAIL_TAKEN` | 409 | Email taken | Register with an email that already has an account |
         *     | `IDEMPOTENCY_KEY_IN_USE` | 409 | Idempotency key in use | A request with this `Idempotency-Key` is still running; retry after `Retry-After` |
         *     | `ALREADY_MEMBER` | 409 | Already a member | The person invited to a project is already a member of it |
         *     | `OWNER_ROLE_FIXED` | 409 | The owner's role is fixed | A change of the project owner's own role; ownership moves only by a transfer |
         *     | `OWNER_CANNOT_LEAVE` | 409 | The owner cannot leave | The owner removing themself from their project; transfer it to a member first |
         *     | `ALREADY_SUBSCRIBED` | 409 | Already subscribed | A checkout while a subscription is live; change it in the customer portal |
         *     | `FILE_MISSING` | 409 | File missing | An export needs a stored file that is gone; the body names it (`imageId`/`drawingId`, `missing`) |
         *     | `KEY_UNREADABLE` | 409 | Key unreadable | A stored AI-provider key can no longer be decrypted; store it again |
         *     | `CURSOR_EXPIRED` | 410 | Cursor expired | A sync cursor older than the retained change log (`SYNC_RETENTION_DAYS`); pull the full state again |
         *     | `VERSION_CONFLICT` | 412 | Version conflict | `If-Match` does not name the current version (`ETag`); the body has `currentVersion` |
         *     | `PRECONDITION_FAILED` | 412 | Precondition failed | An `If-Match` or `If-Unmodified-Since` that does not hold for a static asset of the docs page |
         *     | `PAYLOAD_TOO_LARGE` | 413 | Payload too large | The body, a file or the chunk extensions are over their limit |
         *     | `UNSUPPORTED_MEDIA_TYPE` | 415 | Unsupported media type | A wrong `Content-Type` or `Content-Encoding`, or file bytes of a type that is not accepted |
         *     | `RANGE_NOT_SATISFIABLE` | 416 | Range not satisfiable | A `Range` outside a static asset of the docs page |
         *     | `IDEMPOTENCY_KEY_REUSED` | 422 | Idempotency key reused | This `Idempotency-Key` was used with a different request body |
         *     | `RATE_LIMITED` | 429 | Rate limited | Too many requests (or exports, archives or imports in progress); see `Retry-After` and `RateLimit` |
         *     | `HEADERS_TOO_LARGE` | 431 | Headers too large | The request headers are over the server limit (the connection is closed) |
         *     | `INTERNAL` | 500 | Internal error | An unexpected error on our side (logged with the request id) |
         *     | `SERVICE_UNAVAILABLE` | 503 | Service unavailable | A dependency (database, rate-limit store, payment provider, export slots) is away or busy; see `Retry-After` |
         *     | `BILLING_DISABLED` | 503 | Billing disabled | Billing is not configured on this server (no Stripe keys) |
         * @enum {string}
         */
        ErrorCode: "VALIDATION_ERROR" | "INVALID_JSON" | "MALFORMED_REQUEST" | "INVALID_SIGNATURE" | "INVALID_TOKEN" | "EMPTY_PROJECT" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN" | "PLAN_REQUIRED" | "STORAGE_QUOTA_EXCEEDED" | "EMAIL_NOT_VERIFIED" | "INVALID_PASSWORD" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "REQUEST_TIMEOUT" | "CONFLICT" | "EMAIL_TAKEN" | "IDEMPOTENCY_KEY_IN_USE" | "ALREADY_MEMBER" | "OWNER_ROLE_FIXED" | "OWNER_CANNOT_LEAVE" | "ALREADY_SUBSCRIBED" | "FILE_MISSING" | "KEY_UNREADABLE" | "CURSOR_EXPIRED" | "VERSION_CONFLICT" | "PRECONDITION_FAILED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RANGE_NOT_SATISFIABLE" | "IDEMPOTENCY_KEY_REUSED" | "RATE_LIMITED" | "HEADERS_TOO_LARGE" | "INTERNAL" | "SERVICE_UNAVAILABLE" | "BILLING_DISABLED";
        Problem: {
            type: string;
            title: string;
            /** Format: int64 */
            status: number;
            code: components["schemas"]["ErrorCode"];
            detail?: string;
            errors?: {
                path: string;
                message: string;
            }[];
            requestId?: string;
        } & {
            [key: string]: unknown;
        };
        User: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
            emailVerified: boolean;
            displayName: string | null;
            /** @description The SPA's preferences (free JSON, at most 16 KB) */
            settings: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            role: "user" | "admin";
            /** @enum {string} */
            plan: "free" | "pro" | "enterprise";
            subscriptionStatus: string;
            /** Format: int64 */
            storageUsedBytes: number;
            /** Format: int64 */
            storageLimitBytes: number;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        AuthResult: {
            user: components["schemas"]["User"];
            accessToken: string;
            refreshToken: string;
            /** @constant */
            tokenType: "Bearer";
            /**
             * Format: int64
             * @description Seconds until the access token expires
             */
            expiresIn: number;
        };
        Session: {
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            lastUsedAt: string;
            userAgent: string | null;
            ip: string | null;
            /** @description Whether this is the session of the access token used */
            current: boolean;
        };
        Pagination: {
            /** Format: int64 */
            page: number;
            /** Format: int64 */
            limit: number;
            /** Format: int64 */
            total: number;
            /** Format: int64 */
            totalPages: number;
        };
        /** @description A stored key, masked */
        ApiKey: {
            provider: string;
            label: string | null;
            /** @description The last four characters of the key */
            last4: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
            /**
             * Format: date-time
             * @description When the key was last read in plaintext
             */
            lastUsedAt: string | null;
        };
        ApiKeySecret: {
            provider: string;
            label: string | null;
            /** @description The last four characters of the key */
            last4: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
            /**
             * Format: date-time
             * @description When the key was last read in plaintext
             */
            lastUsedAt: string | null;
            /** @description The plaintext key */
            key: string;
        };
        EventsAccepted: {
            /** Format: int64 */
            accepted: number;
        };
        DayCount: {
            /** @description UTC day, YYYY-MM-DD */
            date: string;
            /** Format: int64 */
            count: number;
        };
        AnalyticsSummary: {
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            from: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            to: string;
            /** @description Event count per type: `{ "<type>": <count> }` */
            byType: {
                [key: string]: unknown;
            };
            /** @description Events per UTC day, oldest first; days without events are left out */
            byDay: components["schemas"]["DayCount"][];
        };
        AdminAnalyticsSummary: {
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            from: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            to: string;
            /** @description Event count per type: `{ "<type>": <count> }` */
            byType: {
                [key: string]: unknown;
            };
            /** @description Events per UTC day, oldest first; days without events are left out */
            byDay: components["schemas"]["DayCount"][];
            /** @description Distinct users with at least one event, per UTC day */
            activeUsersByDay: components["schemas"]["DayCount"][];
            /**
             * Format: int64
             * @description Distinct users with events in the range
             */
            activeUsers: number;
            /**
             * Format: int64
             * @description Accounts that exist now
             */
            totalUsers: number;
        };
        Project: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The project's owner: its stories, images and drawings count against their storage
             */
            ownerId: string;
            /**
             * @description The caller's role: `owner`, or `editor`/`viewer` of a project shared with them (docs/collaboration.md)
             * @enum {string}
             */
            role: "owner" | "editor" | "viewer";
            title: string;
            description: string | null;
            category: string | null;
            /** @enum {string} */
            status: "draft" | "in_progress" | "completed" | "archived";
            tags: string[];
            settings: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            coverImageId: string | null;
            /** Format: int64 */
            version: number;
            counts: {
                /** Format: int64 */
                stories: number;
                /** Format: int64 */
                images: number;
                /** Format: int64 */
                drawings: number;
            };
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        ProjectPagination: {
            /** Format: int64 */
            page: number;
            /** Format: int64 */
            limit: number;
            /** Format: int64 */
            total: number;
            /** Format: int64 */
            totalPages: number;
            /** @description Pass as `cursor` for the page after this one; null when this is the last page. With `cursor`, `page` is the page this would be at this `limit`, counted when the first cursor was made */
            nextCursor: string | null;
        };
        Story: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            projectId: string;
            title: string;
            content: string;
            imagePrompts: string[];
            /**
             * Format: int64
             * @description Computed by the server
             */
            wordCount: number;
            /** Format: int64 */
            position: number;
            metadata: {
                [key: string]: unknown;
            };
            /** Format: int64 */
            version: number;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        ProjectWithChildren: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The project's owner: its stories, images and drawings count against their storage
             */
            ownerId: string;
            /**
             * @description The caller's role: `owner`, or `editor`/`viewer` of a project shared with them (docs/collaboration.md)
             * @enum {string}
             */
            role: "owner" | "editor" | "viewer";
            title: string;
            description: string | null;
            category: string | null;
            /** @enum {string} */
            status: "draft" | "in_progress" | "completed" | "archived";
            tags: string[];
            settings: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            coverImageId: string | null;
            /** Format: int64 */
            version: number;
            counts: {
                /** Format: int64 */
                stories: number;
                /** Format: int64 */
                images: number;
                /** Format: int64 */
                drawings: number;
            };
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
            /** @description With `include=stories`, ordered by position */
            stories?: components["schemas"]["Story"][];
            /** @description With `include=images` (`Image` objects) */
            images?: {
                [key: string]: unknown;
            }[];
            /** @description With `include=drawings` (`Drawing` objects) */
            drawings?: {
                [key: string]: unknown;
            }[];
        };
        ProjectVersionSummary: {
            /** Format: int64 */
            version: number;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /** @description Fields whose value this version changed (version 1: every field) */
            changedFields: string[];
            /** @description Who made this version (the owner or an editor); null once their account is deleted */
            changedBy: {
                /** Format: uuid */
                id: string;
                displayName: string | null;
            } | null;
        };
        ProjectVersion: {
            /** Format: int64 */
            version: number;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            changedFields: string[];
            /** @description Who made this version (the owner or an editor); null once their account is deleted */
            changedBy: {
                /** Format: uuid */
                id: string;
                displayName: string | null;
            } | null;
            /** @description The project's writable fields as they were at this version */
            snapshot: {
                title: string;
                description: string | null;
                category: string | null;
                /** @enum {string} */
                status: "draft" | "in_progress" | "completed" | "archived";
                tags: string[];
                settings: {
                    [key: string]: unknown;
                };
                /** Format: uuid */
                coverImageId: string | null;
            };
        };
        Member: {
            /** Format: uuid */
            userId: string;
            email: string;
            displayName: string | null;
            /** @enum {string} */
            role: "owner" | "editor" | "viewer";
            /**
             * Format: date-time
             * @description When they joined; the owner's is the project's createdAt
             */
            addedAt: string;
        };
        Invitation: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            projectId: string;
            projectTitle: string;
            email: string;
            /** @enum {string} */
            role: "editor" | "viewer";
            /**
             * @description `expired`: still pending, but past `expiresAt`
             * @enum {string}
             */
            status: "pending" | "accepted" | "declined" | "revoked" | "expired";
            /** @description null when that account no longer exists */
            invitedBy: {
                /** Format: uuid */
                id: string;
                displayName: string | null;
            } | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            expiresAt: string;
        };
        Image: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            projectId: string;
            /** Format: uuid */
            storyId: string | null;
            /** @enum {string} */
            kind: "page" | "cover" | "reference";
            title: string | null;
            /** @description The uploaded file's name, for display only */
            originalFilename: string | null;
            prompt: string | null;
            provider: string | null;
            model: string | null;
            /**
             * @description From the file's bytes
             * @enum {string}
             */
            mimeType: "image/png" | "image/jpeg" | "image/webp";
            /**
             * Format: int64
             * @description Pixels, as displayed (EXIF orientation)
             */
            width: number;
            /** Format: int64 */
            height: number;
            /** Format: int64 */
            sizeBytes: number;
            /** @description Hex SHA-256 of the stored file */
            sha256: string;
            /** Format: int64 */
            position: number;
            metadata: {
                [key: string]: unknown;
            };
            /**
             * Format: uri
             * @description Short-lived signed absolute URL of the original (`SIGNED_URL_TTL`), fresh on every response: `PUBLIC_URL/api/files/…` on the local store, a presigned S3 URL on S3; usable as `<img src>` from any origin
             */
            url: string;
            /**
             * Format: uri
             * @description Short-lived signed absolute URL of a WebP thumbnail, at most 512 px on its long side
             */
            thumbnailUrl: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        Drawing: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            projectId: string;
            /** Format: uuid */
            imageId: string | null;
            title: string | null;
            data: {
                [key: string]: unknown;
            } | unknown[];
            /** Format: int64 */
            width: number;
            /** Format: int64 */
            height: number;
            /**
             * @description `image/png` when a rendered PNG is stored, else null
             * @enum {string|null}
             */
            mimeType: "image/png" | null;
            /**
             * Format: int64
             * @description The PNG's size, or null
             */
            sizeBytes: number | null;
            /**
             * Format: uri
             * @description Short-lived signed absolute URL of the PNG (fresh on every response), or null
             */
            url: string | null;
            /** Format: int64 */
            version: number;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        Plan: {
            /** @enum {string} */
            id: "free" | "pro" | "enterprise";
            name: string;
            /** Format: int64 */
            storageLimitBytes: number;
            /** @description What the plan includes, e.g. `premium_templates` */
            features: string[];
            /** @description The billing intervals offered (none for free) */
            prices: {
                /** @enum {string} */
                interval: "month" | "year";
                /** @description The Stripe price id */
                priceId: string;
            }[];
        };
        Subscription: {
            /** @enum {string} */
            plan: "free" | "pro" | "enterprise";
            /** @description Stripe's status of the user's subscription (`active`, `trialing`, `past_due`, `unpaid`, `canceled`, …); `active` for a user who never subscribed */
            status: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            currentPeriodEnd: string | null;
            cancelAtPeriodEnd: boolean;
        };
        BillingRedirect: {
            /**
             * Format: uri
             * @description The Stripe page to send the user to
             */
            url: string;
        };
        /** @description The project skeleton; null when `contentLocked` (a premium template's content is only for its owner, administrators and plans with premium templates) */
        TemplateContent: {
            settings: {
                [key: string]: unknown;
            };
            stories: {
                title: string;
                content: string;
                imagePrompts: string[];
            }[];
        } | null;
        Template: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            ownerId: string;
            title: string;
            description: string | null;
            category: string | null;
            tags: string[];
            isPublic: boolean;
            isPremium: boolean;
            content: components["schemas"]["TemplateContent"];
            /** @description True when `content` is withheld: a premium template and a caller (or anonymous reader) whose plan does not include premium templates. Upgrading the plan unlocks it */
            contentLocked: boolean;
            /**
             * Format: int64
             * @description Starts at 1, + 1 per change of the template's own fields; the `ETag`. Not moved by `useCount` or ratings
             */
            version: number;
            /** @description Mean of the ratings stored; null without ratings */
            ratingAverage: number | null;
            /** Format: int64 */
            ratingCount: number;
            /** Format: int64 */
            useCount: number;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        TemplateRating: {
            /** Format: uuid */
            userId: string;
            displayName: string | null;
            /** Format: int32 */
            rating: number;
            review: string | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            updatedAt: string;
        };
        ExportWarning: {
            /** @description `LOW_DPI`, `FILE_MISSING` (on a page); `NO_PAGES`, `BELOW_PAPERBACK_MINIMUM`, `ABOVE_PAPERBACK_MAXIMUM` (on the book) */
            code: string;
            message: string;
        };
        ExportPreflightPage: {
            /** Format: int64 */
            pageNumber: number;
            /**
             * @description `cover`: the title page's image; `page`: a coloring page; `drawing`: a drawing's PNG
             * @enum {string}
             */
            kind: "cover" | "page" | "drawing";
            /**
             * Format: uuid
             * @description The image printed (null for a drawing)
             */
            imageId: string | null;
            /**
             * Format: uuid
             * @description The drawing printed (null for an image)
             */
            drawingId: string | null;
            /** Format: int64 */
            widthPx: number | null;
            /** Format: int64 */
            heightPx: number | null;
            /** @description Its size on the page, in inches */
            printedSizeIn: {
                width: number;
                height: number;
            } | null;
            /**
             * Format: int64
             * @description Pixels per inch at the printed size (null when its file is missing and its size unknown)
             */
            effectiveDpi: number | null;
            warnings: components["schemas"]["ExportWarning"][];
        };
        ExportPreflight: {
            /** @enum {string} */
            trimSize: "letter" | "a4" | "8x10" | "8.5x8.5" | "6x9";
            bleed: boolean;
            includeStories: boolean;
            blankBacks: boolean;
            /**
             * Format: int64
             * @description Always even (a blank last page pads it)
             */
            pageCount: number;
            /** @description Paperback spine at 0.0025 in per page */
            spineWidthIn: number;
            trimSizeIn: {
                width: number;
                height: number;
            };
            /** @description The PDF page (MediaBox): the trim plus the bleed */
            pageSizeIn: {
                width: number;
                height: number;
            };
            marginsIn: {
                /** @description Top, bottom and outer edge */
                outer: number;
                /** @description Inner edge; grows with the page count */
                gutter: number;
            };
            binding: {
                evenPageCount: boolean;
                paperback: {
                    fits: boolean;
                    /** Format: int64 */
                    minPages: number;
                    /** Format: int64 */
                    maxPages: number;
                };
                saddleStitch: {
                    /** @description A multiple of 4 pages, at most maxPages */
                    fits: boolean;
                    /** Format: int64 */
                    maxPages: number;
                };
                spineTextAllowed: boolean;
            };
            /** @description The pages that print an image, in page order */
            pages: components["schemas"]["ExportPreflightPage"][];
            /** @description The book's own warnings */
            warnings: components["schemas"]["ExportWarning"][];
            /**
             * Format: int64
             * @description The book's and the pages' warnings together (what `X-Export-Warnings` says)
             */
            warningCount: number;
        };
        ExportJob: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            projectId: string;
            /** @description The export options the job was started with (defaults filled in) */
            options: {
                trimSize: string;
                bleed: boolean;
                includeStories: boolean;
                blankBacks: boolean;
            };
            /**
             * @description `queued` → `running` → `succeeded`, `failed` (after 3 attempts, or at once when the book cannot be printed) or `canceled` (DELETE, or the project was deleted). A running job whose process died goes back to `running` on another process.
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            /** @description Pages drawn / pages, 0..1; 1 only once `succeeded` */
            progress: number;
            /** Format: int64 */
            pageCount: number | null;
            /** @description The preflight's warnings for the book and its pages (low DPI, page count) */
            warnings: {
                code: string;
                message: string;
                /**
                 * Format: int64
                 * @description The page the warning is about
                 */
                pageNumber?: number;
            }[];
            /** @description Why it failed or was canceled (while retrying: the last attempt’s error) */
            error: string | null;
            /**
             * Format: uri
             * @description A signed download URL of the PDF once `succeeded` (fresh on every GET), until `expiresAt`
             */
            url: string | null;
            /** Format: int64 */
            sizeBytes: number | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            finishedAt: string | null;
            /**
             * Format: date-time
             * @description When the file and this job are removed (`EXPORT_RETENTION_H` after it finished)
             */
            expiresAt: string | null;
        };
        ExportJobList: {
            data: components["schemas"]["ExportJob"][];
            pagination: components["schemas"]["Pagination"];
        };
        ArchiveJob: {
            /** Format: uuid */
            id: string;
            /**
             * @description `queued` → `running` → `succeeded`, `failed` (with `error`) or `canceled` (DELETE). A running job whose process died is run again by another process (after its lease), up to 3 attempts.
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            /** @description 0..1 by the bytes written or read; 1 once ended */
            progress: number;
            /** @description Why it failed or was canceled (while retrying: the last attempt’s error) */
            error: string | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            finishedAt: string | null;
            /**
             * Format: date-time
             * @description When this job (and its file) is removed: `EXPORT_RETENTION_H` after it ended
             */
            expiresAt: string | null;
            /**
             * Format: uri
             * @description A signed download URL of the ZIP once `succeeded` (fresh on every GET), until `expiresAt`
             */
            url: string | null;
            /**
             * Format: int64
             * @description The ZIP’s size
             */
            sizeBytes: number | null;
            /** @description Hex SHA-256 of the whole ZIP */
            sha256: string | null;
            /** @description What the archive holds, once `succeeded` */
            counts: {
                /** Format: int64 */
                projects: number;
                /** Format: int64 */
                versions: number;
                /** Format: int64 */
                stories: number;
                /** Format: int64 */
                images: number;
                /** Format: int64 */
                drawings: number;
                /** Format: int64 */
                templates: number;
                /** Format: int64 */
                ratings: number;
            } | null;
        };
        ArchiveJobList: {
            data: components["schemas"]["ArchiveJob"][];
            pagination: components["schemas"]["Pagination"];
        };
        ImportJob: {
            /** Format: uuid */
            id: string;
            /**
             * @description `queued` → `running` → `succeeded`, `failed` (with `error`) or `canceled` (DELETE). A running job whose process died is run again by another process (after its lease), up to 3 attempts.
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            /** @description 0..1 by the bytes written or read; 1 once ended */
            progress: number;
            /** @description Why it failed or was canceled (while retrying: the last attempt’s error) */
            error: string | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description ISO 8601 UTC
             */
            finishedAt: string | null;
            /**
             * Format: date-time
             * @description When this job (and its file) is removed: `EXPORT_RETENTION_H` after it ended
             */
            expiresAt: string | null;
            /**
             * Format: int64
             * @description Projects added to the account so far (each one all or nothing)
             */
            projectsImported: number;
            /**
             * Format: int64
             * @description The uploaded ZIP’s size
             */
            sizeBytes: number;
        };
        ImportJobList: {
            data: components["schemas"]["ImportJob"][];
            pagination: components["schemas"]["Pagination"];
        };
        Change: {
            /** @enum {string} */
            kind: "user" | "project" | "story" | "image" | "drawing";
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The resource's project (a project's own id); null for the user
             */
            projectId: string | null;
            /** @enum {string} */
            op: "upsert" | "delete";
            /**
             * Format: int64
             * @description The version of a project, story or drawing (as its `ETag`); null otherwise and for a delete
             */
            version: number | null;
            /** @description The resource exactly as its own GET answers it (a project with the caller's `role`; images and drawings with fresh signed URLs); null for a delete */
            data: components["schemas"]["User"] | components["schemas"]["Project"] | components["schemas"]["Story"] | components["schemas"]["Image"] | components["schemas"]["Drawing"] | unknown;
            /**
             * Format: date-time
             * @description When the change was written (the full state: when it was read)
             */
            changedAt: string;
        };
        ChangesPage: {
            /** @description In commit order; each resource at most once */
            changes: components["schemas"]["Change"][];
            /** @description Pass as `since` for what changed after this answer */
            cursor: string;
            /** @description More is ready now: pull again at once with `cursor` */
            hasMore: boolean;
        };
        SyncTicket: {
            /** @description Single use; pass as `?ticket=` to the stream */
            ticket: string;
            /**
             * Format: date-time
             * @description The ticket is refused after this instant (60 s)
             */
            expiresAt: string;
        };
    };
    responses: {
        /** @description `VALIDATION_ERROR`: A parameter, query, header or body field is missing or wrong; `errors` names each field */
        "E400.VALIDATION_ERROR": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "VALIDATION_ERROR";
                };
            };
        };
        /** @description `VALIDATION_ERROR`: A parameter, query, header or body field is missing or wrong; `errors` names each field. `INVALID_JSON`: The body is not valid JSON */
        "E400.VALIDATION_ERROR.INVALID_JSON": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "VALIDATION_ERROR" | "INVALID_JSON";
                };
            };
        };
        /** @description `VALIDATION_ERROR`: A parameter, query, header or body field is missing or wrong; `errors` names each field. `INVALID_JSON`: The body is not valid JSON. `EMPTY_PROJECT`: An export of a project without coloring pages */
        "E400.VALIDATION_ERROR.INVALID_JSON.EMPTY_PROJECT": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "VALIDATION_ERROR" | "INVALID_JSON" | "EMPTY_PROJECT";
                };
            };
        };
        /** @description `VALIDATION_ERROR`: A parameter, query, header or body field is missing or wrong; `errors` names each field. `INVALID_JSON`: The body is not valid JSON. `INVALID_SIGNATURE`: A Stripe webhook whose `Stripe-Signature` is missing or does not match the body */
        "E400.VALIDATION_ERROR.INVALID_JSON.INVALID_SIGNATURE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "VALIDATION_ERROR" | "INVALID_JSON" | "INVALID_SIGNATURE";
                };
            };
        };
        /** @description `VALIDATION_ERROR`: A parameter, query, header or body field is missing or wrong; `errors` names each field. `INVALID_JSON`: The body is not valid JSON. `INVALID_TOKEN`: A password-reset or email-verification token that is unknown, used, expired or superseded */
        "E400.VALIDATION_ERROR.INVALID_JSON.INVALID_TOKEN": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "VALIDATION_ERROR" | "INVALID_JSON" | "INVALID_TOKEN";
                };
            };
        };
        /** @description `INVALID_CREDENTIALS`: Login with an unknown email or a wrong password */
        "E401.INVALID_CREDENTIALS": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description Bearer */
                "WWW-Authenticate"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "INVALID_CREDENTIALS";
                };
            };
        };
        /** @description `UNAUTHENTICATED`: The access (or refresh) token is missing, malformed, expired or revoked, or its account is gone */
        "E401.UNAUTHENTICATED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description Bearer */
                "WWW-Authenticate"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "UNAUTHENTICATED";
                };
            };
        };
        /** @description `EMAIL_NOT_VERIFIED`: With `REQUIRE_VERIFIED_EMAIL=true`: an upload or billing call before the email is verified */
        "E403.EMAIL_NOT_VERIFIED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "EMAIL_NOT_VERIFIED";
                };
            };
        };
        /** @description `FORBIDDEN`: Authenticated, but this caller may not do this (not the owner, not an admin, a bad file URL) */
        "E403.FORBIDDEN": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "FORBIDDEN";
                };
            };
        };
        /** @description `FORBIDDEN`: Authenticated, but this caller may not do this (not the owner, not an admin, a bad file URL). `PLAN_REQUIRED`: A premium template used on a plan without premium templates */
        "E403.FORBIDDEN.PLAN_REQUIRED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "FORBIDDEN" | "PLAN_REQUIRED";
                };
            };
        };
        /** @description `FORBIDDEN`: Authenticated, but this caller may not do this (not the owner, not an admin, a bad file URL). `STORAGE_QUOTA_EXCEEDED`: The write would take the user past their plan's storage limit */
        "E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "FORBIDDEN" | "STORAGE_QUOTA_EXCEEDED";
                };
            };
        };
        /** @description `FORBIDDEN`: Authenticated, but this caller may not do this (not the owner, not an admin, a bad file URL). `STORAGE_QUOTA_EXCEEDED`: The write would take the user past their plan's storage limit. `EMAIL_NOT_VERIFIED`: With `REQUIRE_VERIFIED_EMAIL=true`: an upload or billing call before the email is verified */
        "E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED.EMAIL_NOT_VERIFIED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "FORBIDDEN" | "STORAGE_QUOTA_EXCEEDED" | "EMAIL_NOT_VERIFIED";
                };
            };
        };
        /** @description `INVALID_PASSWORD`: The current password given to change the password or delete the account is wrong */
        "E403.INVALID_PASSWORD": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "INVALID_PASSWORD";
                };
            };
        };
        /** @description `PLAN_REQUIRED`: A premium template used on a plan without premium templates. `STORAGE_QUOTA_EXCEEDED`: The write would take the user past their plan's storage limit */
        "E403.PLAN_REQUIRED.STORAGE_QUOTA_EXCEEDED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "PLAN_REQUIRED" | "STORAGE_QUOTA_EXCEEDED";
                };
            };
        };
        /** @description `STORAGE_QUOTA_EXCEEDED`: The write would take the user past their plan's storage limit */
        "E403.STORAGE_QUOTA_EXCEEDED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "STORAGE_QUOTA_EXCEEDED";
                };
            };
        };
        /** @description `NOT_FOUND`: No such resource for this caller, or no route for the path */
        "E404.NOT_FOUND": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "NOT_FOUND";
                };
            };
        };
        /** @description `METHOD_NOT_ALLOWED`: The path exists, but not with this method; `Allow` lists the ones it takes */
        "E405.METHOD_NOT_ALLOWED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description The methods this path takes, e.g. `GET, HEAD, POST` */
                Allow: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "METHOD_NOT_ALLOWED";
                };
            };
        };
        /** @description `CONFLICT`: The write conflicts with an existing resource (a uniqueness the database enforces). `IDEMPOTENCY_KEY_IN_USE`: A request with this `Idempotency-Key` is still running; retry after `Retry-After` */
        "E409.CONFLICT.IDEMPOTENCY_KEY_IN_USE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "CONFLICT" | "IDEMPOTENCY_KEY_IN_USE";
                };
            };
        };
        /** @description `EMAIL_TAKEN`: Register with an email that already has an account */
        "E409.EMAIL_TAKEN": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "EMAIL_TAKEN";
                };
            };
        };
        /** @description `FILE_MISSING`: An export needs a stored file that is gone; the body names it (`imageId`/`drawingId`, `missing`) */
        "E409.FILE_MISSING": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "FILE_MISSING";
                };
            };
        };
        /** @description `IDEMPOTENCY_KEY_IN_USE`: A request with this `Idempotency-Key` is still running; retry after `Retry-After` */
        "E409.IDEMPOTENCY_KEY_IN_USE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "IDEMPOTENCY_KEY_IN_USE";
                };
            };
        };
        /** @description `IDEMPOTENCY_KEY_IN_USE`: A request with this `Idempotency-Key` is still running; retry after `Retry-After`. `ALREADY_MEMBER`: The person invited to a project is already a member of it */
        "E409.IDEMPOTENCY_KEY_IN_USE.ALREADY_MEMBER": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "IDEMPOTENCY_KEY_IN_USE" | "ALREADY_MEMBER";
                };
            };
        };
        /** @description `IDEMPOTENCY_KEY_IN_USE`: A request with this `Idempotency-Key` is still running; retry after `Retry-After`. `ALREADY_SUBSCRIBED`: A checkout while a subscription is live; change it in the customer portal */
        "E409.IDEMPOTENCY_KEY_IN_USE.ALREADY_SUBSCRIBED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "IDEMPOTENCY_KEY_IN_USE" | "ALREADY_SUBSCRIBED";
                };
            };
        };
        /** @description `IDEMPOTENCY_KEY_IN_USE`: A request with this `Idempotency-Key` is still running; retry after `Retry-After`. `FILE_MISSING`: An export needs a stored file that is gone; the body names it (`imageId`/`drawingId`, `missing`) */
        "E409.IDEMPOTENCY_KEY_IN_USE.FILE_MISSING": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "IDEMPOTENCY_KEY_IN_USE" | "FILE_MISSING";
                };
            };
        };
        /** @description `KEY_UNREADABLE`: A stored AI-provider key can no longer be decrypted; store it again */
        "E409.KEY_UNREADABLE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "KEY_UNREADABLE";
                };
            };
        };
        /** @description `OWNER_CANNOT_LEAVE`: The owner removing themself from their project; transfer it to a member first */
        "E409.OWNER_CANNOT_LEAVE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "OWNER_CANNOT_LEAVE";
                };
            };
        };
        /** @description `OWNER_ROLE_FIXED`: A change of the project owner's own role; ownership moves only by a transfer */
        "E409.OWNER_ROLE_FIXED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "OWNER_ROLE_FIXED";
                };
            };
        };
        /** @description `CURSOR_EXPIRED`: A sync cursor older than the retained change log (`SYNC_RETENTION_DAYS`); pull the full state again */
        "E410.CURSOR_EXPIRED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "CURSOR_EXPIRED";
                };
            };
        };
        /** @description `VERSION_CONFLICT`: `If-Match` does not name the current version (`ETag`); the body has `currentVersion` */
        "E412.VERSION_CONFLICT": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "VERSION_CONFLICT";
                };
            };
        };
        /** @description `PAYLOAD_TOO_LARGE`: The body, a file or the chunk extensions are over their limit */
        "E413.PAYLOAD_TOO_LARGE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "PAYLOAD_TOO_LARGE";
                };
            };
        };
        /** @description `UNSUPPORTED_MEDIA_TYPE`: A wrong `Content-Type` or `Content-Encoding`, or file bytes of a type that is not accepted */
        "E415.UNSUPPORTED_MEDIA_TYPE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "UNSUPPORTED_MEDIA_TYPE";
                };
            };
        };
        /** @description `IDEMPOTENCY_KEY_REUSED`: This `Idempotency-Key` was used with a different request body */
        "E422.IDEMPOTENCY_KEY_REUSED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "IDEMPOTENCY_KEY_REUSED";
                };
            };
        };
        /** @description `RATE_LIMITED`: Too many requests (or exports, archives or imports in progress); see `Retry-After` and `RateLimit` */
        "E429.RATE_LIMITED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description Seconds to wait */
                "Retry-After"?: number;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "RATE_LIMITED";
                };
            };
        };
        /** @description `INTERNAL`: An unexpected error on our side (logged with the request id) */
        "E500.INTERNAL": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "INTERNAL";
                };
            };
        };
        /** @description `SERVICE_UNAVAILABLE`: A dependency (database, rate-limit store, payment provider, export slots) is away or busy; see `Retry-After` */
        "E503.SERVICE_UNAVAILABLE": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description Seconds to wait, when a dependency (the rate-limit store) is briefly unavailable */
                "Retry-After"?: number;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "SERVICE_UNAVAILABLE";
                };
            };
        };
        /** @description `SERVICE_UNAVAILABLE`: A dependency (database, rate-limit store, payment provider, export slots) is away or busy; see `Retry-After`. `BILLING_DISABLED`: Billing is not configured on this server (no Stripe keys) */
        "E503.SERVICE_UNAVAILABLE.BILLING_DISABLED": {
            headers: {
                /** @description The request id, also `requestId` in the body */
                "X-Request-Id"?: string;
                /** @description `private, no-store` on routes that need a token and on any answer to a request with a valid one */
                "Cache-Control"?: string;
                /** @description Seconds to wait, when a dependency (the rate-limit store) is briefly unavailable */
                "Retry-After"?: number;
                /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                RateLimit?: string;
                /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes (`/health`, `/ready`, `/metrics`), which no limit counts. */
                "RateLimit-Policy"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"] & {
                    /** @enum {string} */
                    code?: "SERVICE_UNAVAILABLE" | "BILLING_DISABLED";
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ready";
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getOpenapijson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @example ada@example.com
                     */
                    email: string;
                    /**
                     * @description 8+ characters, at most 72 bytes of UTF-8
                     * @example correct horse battery
                     */
                    password: string;
                    displayName?: string;
                };
            };
        };
        responses: {
            /** @description The new user and a token pair; `Location: /api/auth/me` */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.EMAIL_TAKEN"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @example ada@example.com
                     */
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.INVALID_CREDENTIALS"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            /** @description Signed out */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthLogoutAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every refresh token of the user stops working */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getAuthMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getAuthSessions: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Session"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteAuthSessionsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthPasswordForgot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @example ada@example.com
                     */
                    email: string;
                };
            };
        };
        responses: {
            /** @description Accepted; a reset link is mailed when the address is known */
            202: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description The `token` parameter of the mailed link
                     * @example Jx3mQ0b2tZ9yH1cV8kLw4pR6sN5uE7aD2fG0hJ3kL9o
                     */
                    token: string;
                    /**
                     * @description 8+ characters, at most 72 bytes of UTF-8
                     * @example correct horse battery
                     */
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description Password changed; every session revoked */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON.INVALID_TOKEN"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthEmailVerifyRequest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted; a verification link is mailed */
            202: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAuthEmailVerify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description The `token` parameter of the mailed link
                     * @example Jx3mQ0b2tZ9yH1cV8kLw4pR6sN5uE7aD2fG0hJ3kL9o
                     */
                    token: string;
                };
            };
        };
        responses: {
            /** @description The address is verified */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON.INVALID_TOKEN"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The docs page */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteUsersMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                };
            };
        };
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.INVALID_PASSWORD"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    patchUsersMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description 1..100 characters; null clears it */
                    displayName?: string | null;
                    /** @description The SPA's preferences (free JSON, at most 16 KB), replaced whole */
                    settings?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postUsersMePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    /** @description 8+ characters, at most 72 bytes of UTF-8 */
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description Changed */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.INVALID_PASSWORD"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getApiKeys: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApiKey"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getApiKeysByProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The AI service, e.g. `openai`: 2..32 of a-z, 0-9 and - */
                provider: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeySecret"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.KEY_UNREADABLE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putApiKeysByProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The AI service, e.g. `openai`: 2..32 of a-z, 0-9 and - */
                provider: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The secret itself (8..512 characters); stored encrypted, never logged */
                    key: string;
                    /** @description A name for the key (1..100 characters) */
                    label?: string | null;
                };
            };
        };
        responses: {
            /** @description An existing key was replaced */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Created (`Location: /api/api-keys/{provider}`) */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteApiKeysByProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The AI service, e.g. `openai`: 2..32 of a-z, 0-9 and - */
                provider: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postAnalyticsEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    events: {
                        /** @description e.g. `editor.opened`: a-z first, then 1..63 of a-z, 0-9, `_` and `.`; not one of the types the server records itself (listed here as `not`) */
                        type: string;
                        /**
                         * Format: uuid
                         * @description One of the caller's projects (else the batch is refused with 404)
                         */
                        projectId?: string;
                        /** @description Free JSON, at most 8 KB */
                        properties?: {
                            [key: string]: unknown;
                        };
                        /** @description When it happened (default: when received); at most 7 days in the past and 5 minutes in the future */
                        occurredAt?: string | unknown | unknown;
                    }[];
                };
            };
        };
        responses: {
            /** @description Stored */
            202: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventsAccepted"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getAnalyticsSummary: {
        parameters: {
            query?: {
                /** @description Inclusive; default: 30 days before `to` */
                from?: string | unknown | unknown;
                /** @description Exclusive; default: the start of tomorrow (UTC) */
                to?: string | unknown | unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsSummary"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getAdminAnalyticsSummary: {
        parameters: {
            query?: {
                /** @description Inclusive; default: 30 days before `to` */
                from?: string | unknown | unknown;
                /** @description Exclusive; default: the start of tomorrow (UTC) */
                to?: string | unknown | unknown;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminAnalyticsSummary"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjects: {
        parameters: {
            query?: {
                /** @description Page number (default 1). Not with `cursor` */
                page?: number;
                limit?: number;
                /** @description Keyset pagination: the `nextCursor` of the page before. The page starts right after that page's last project in this `sort` (no rows are skipped or repeated when projects are added or removed meanwhile), and costs the same however far the client has scrolled. Opaque; pass it back unchanged with the same `sort` and filters. Not with `page` (400) */
                cursor?: string;
                /** @description Case-insensitive text found in the title or description */
                q?: string;
                status?: "draft" | "in_progress" | "completed" | "archived";
                /** @description Exact category */
                category?: string;
                /** @description Projects carrying this exact tag */
                tag?: string;
                /** @description Only the projects where the caller has this role: `owner` (their own), `editor` or `viewer` (shared with them). Default: all of them */
                role?: "owner" | "editor" | "viewer";
                sort?: "updatedAt" | "-updatedAt" | "createdAt" | "-createdAt" | "title" | "-title";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Project"][];
                        pagination: components["schemas"]["ProjectPagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjects: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Required unless `templateId` is given (then default: the template's title) */
                    title?: string;
                    description?: string | null;
                    category?: string | null;
                    /** @enum {string} */
                    status?: "draft" | "in_progress" | "completed" | "archived";
                    /** @description Up to 20 distinct tags of 1..40 characters */
                    tags?: string[];
                    /** @description Free JSON for the SPA (page size, style, age group…), at most 64 KB */
                    settings?: {
                        [key: string]: unknown;
                    };
                    /**
                     * Format: uuid
                     * @description Start as a copy of this template (counts a use; a premium template needs the plan). Same as `POST /api/templates/{id}/use`
                     */
                    templateId?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The project's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.PLAN_REQUIRED.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjectsById: {
        parameters: {
            query?: {
                /** @description Comma-separated children to embed: any of `stories`, `images`, `drawings`; at most the first 200 of each (compare `counts`; page through the rest with the list routes and `projectId`) */
                include?: string;
            };
            header?: {
                /** @description An `ETag` seen before (or a list of them, or `*`; weak comparison: `W/"3"` matches `"3"`). When it matches the current one the answer is 304 Not Modified without a body. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The project's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectWithChildren"];
                };
            };
            /** @description Not Modified: `If-None-Match` names the current `ETag`; no body */
            304: {
                headers: {
                    /** @description The current version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putProjectsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title?: string;
                    description?: string | null;
                    category?: string | null;
                    /** @enum {string} */
                    status?: "draft" | "in_progress" | "completed" | "archived";
                    /** @description Up to 20 distinct tags of 1..40 characters */
                    tags?: string[];
                    /** @description Free JSON for the SPA (page size, style, age group…), at most 64 KB */
                    settings?: {
                        [key: string]: unknown;
                    };
                    /**
                     * Format: uuid
                     * @description One of the project's own images, or null
                     */
                    coverImageId?: string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The project's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteProjectsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjectsByIdDuplicate: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The copy's title; default "<title> (copy)" */
                    title?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The project's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjectsByIdVersions: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ProjectVersionSummary"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjectsByIdVersionsByVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectVersion"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjectsByIdVersionsByVersionRestore: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The project's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjectsByIdMembers: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Member"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjectsByIdInvitations: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Invitation"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjectsByIdInvitations: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @description Where the invitation link is mailed
                     * @example ada@example.com
                     */
                    email: string;
                    /**
                     * @description `editor` (reads and writes the project) or `viewer` (reads it)
                     * @enum {string}
                     */
                    role: "editor" | "viewer";
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The project's invitations, `/api/projects/{id}/invitations` */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invitation"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.PLAN_REQUIRED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE.ALREADY_MEMBER"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteProjectsByIdInvitationsByInvitationId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                invitationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getInvitations: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Invitation"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.EMAIL_NOT_VERIFIED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postInvitationsAccept: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description The `token` parameter of the mailed invitation link
                     * @example Jx3mQ0b2tZ9yH1cV8kLw4pR6sN5uE7aD2fG0hJ3kL9o
                     */
                    token: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON.INVALID_TOKEN"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE.ALREADY_MEMBER"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postInvitationsByIdAccept: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.EMAIL_NOT_VERIFIED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE.ALREADY_MEMBER"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postInvitationsByIdDecline: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Declined */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.EMAIL_NOT_VERIFIED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteProjectsByIdMembersByUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.OWNER_CANNOT_LEAVE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    patchProjectsByIdMembersByUserId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description `editor` (reads and writes the project) or `viewer` (reads it)
                     * @enum {string}
                     */
                    role: "editor" | "viewer";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.OWNER_ROLE_FIXED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjectsByIdTransfer: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description A member of the project (`GET /api/projects/{id}/members`)
                     */
                    userId: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.CONFLICT.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getStories: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
                /** @description Only this project's stories */
                projectId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Story"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postStories: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    projectId: string;
                    title: string;
                    /** @description At most 100000 characters */
                    content?: string;
                    /** @description Up to 50 prompts of 1..2000 characters */
                    imagePrompts?: string[];
                    /**
                     * Format: int32
                     * @description Order within the project (ties: older first); default: after the last story
                     */
                    position?: number;
                    /** @description Free JSON, at most 16 KB */
                    metadata?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The story's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Story"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getStoriesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` seen before (or a list of them, or `*`; weak comparison: `W/"3"` matches `"3"`). When it matches the current one the answer is 304 Not Modified without a body. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The story's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Story"];
                };
            };
            /** @description Not Modified: `If-None-Match` names the current `ETag`; no body */
            304: {
                headers: {
                    /** @description The current version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putStoriesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description Moves the story to another of the caller's projects
                     */
                    projectId?: string;
                    title?: string;
                    /** @description At most 100000 characters */
                    content?: string;
                    /** @description Up to 50 prompts of 1..2000 characters */
                    imagePrompts?: string[];
                    /**
                     * Format: int32
                     * @description Order within the project (ties: older first); default: after the last story
                     */
                    position?: number;
                    /** @description Free JSON, at most 16 KB */
                    metadata?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The story's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Story"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteStoriesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getImages: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
                /** @description Only this project's images */
                projectId?: string;
                /** @description Only this story's images */
                storyId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Image"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postImages: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: uuid
                     * @description One of the caller's projects
                     */
                    projectId: string;
                    /**
                     * Format: uuid
                     * @description A story of that project
                     */
                    storyId?: string;
                    /**
                     * @description Default `page`
                     * @enum {string}
                     */
                    kind?: "page" | "cover" | "reference";
                    title?: string;
                    /** @description The prompt the image was generated from */
                    prompt?: string;
                    /** @description The AI service that made it, e.g. `openai` */
                    provider?: string;
                    /** @description The model that made it */
                    model?: string;
                    /**
                     * Format: int32
                     * @description Order within the project (ties: older first); default: after the project's last image
                     */
                    position?: number;
                    /** @description Free JSON, at most 16 KB (in the multipart form: a JSON string) */
                    metadata?: {
                        [key: string]: unknown;
                    };
                    /**
                     * Format: binary
                     * @description PNG, JPEG or WebP (judged by its bytes), at most MAX_UPLOAD_BYTES (default 10 MB)
                     */
                    file: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED.EMAIL_NOT_VERIFIED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getImagesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putImagesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description Moves the image to another of the caller's projects (without `storyId` its story is cleared)
                     */
                    projectId?: string;
                    /**
                     * Format: uuid
                     * @description A story of the image's (new) project, or null
                     */
                    storyId?: string | null;
                    /**
                     * @description Default `page`
                     * @enum {string}
                     */
                    kind?: "page" | "cover" | "reference";
                    title?: string | null;
                    /** @description The prompt the image was generated from */
                    prompt?: string | null;
                    /** @description The AI service that made it, e.g. `openai` */
                    provider?: string | null;
                    /** @description The model that made it */
                    model?: string | null;
                    /**
                     * Format: int32
                     * @description Order within the project (ties: older first); default: after the project's last image
                     */
                    position?: number;
                    /** @description Free JSON, at most 16 KB (in the multipart form: a JSON string) */
                    metadata?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteImagesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getDrawings: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
                /** @description Only this project's drawings */
                projectId?: string;
                /** @description Only this image's drawings */
                imageId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Drawing"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postDrawings: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: uuid
                     * @description One of the caller's projects
                     */
                    projectId: string;
                    /**
                     * Format: uuid
                     * @description The image being colored: an image of that project
                     */
                    imageId?: string;
                    title?: string;
                    /** @description The canvas's vector JSON (strokes): an object or an array, at most 5 MB serialised (in the multipart form: a JSON string) */
                    data: {
                        [key: string]: unknown;
                    } | unknown[];
                    /**
                     * Format: int32
                     * @description Canvas width in pixels
                     */
                    width: number;
                    /**
                     * Format: int32
                     * @description Canvas height in pixels
                     */
                    height: number;
                    /**
                     * Format: binary
                     * @description The rendered drawing: a PNG (judged by its bytes), at most MAX_UPLOAD_BYTES (default 10 MB)
                     */
                    file?: string;
                };
                "application/json": {
                    /**
                     * Format: uuid
                     * @description One of the caller's projects
                     */
                    projectId: string;
                    /**
                     * Format: uuid
                     * @description The image being colored: an image of that project
                     */
                    imageId?: string;
                    title?: string;
                    /** @description The canvas's vector JSON (strokes): an object or an array, at most 5 MB serialised (in the multipart form: a JSON string) */
                    data: {
                        [key: string]: unknown;
                    } | unknown[];
                    /**
                     * Format: int32
                     * @description Canvas width in pixels
                     */
                    width: number;
                    /**
                     * Format: int32
                     * @description Canvas height in pixels
                     */
                    height: number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The drawing's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drawing"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED.EMAIL_NOT_VERIFIED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getDrawingsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` seen before (or a list of them, or `*`; weak comparison: `W/"3"` matches `"3"`). When it matches the current one the answer is 304 Not Modified without a body. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The drawing's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drawing"];
                };
            };
            /** @description Not Modified: `If-None-Match` names the current `ETag`; no body */
            304: {
                headers: {
                    /** @description The current version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putDrawingsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: uuid
                     * @description Moves the drawing to another of the caller's projects (without `imageId` its image is cleared)
                     */
                    projectId?: string;
                    /**
                     * Format: uuid
                     * @description An image of the drawing's (new) project, or null (JSON form)
                     */
                    imageId?: string | null;
                    title?: string | null;
                    /** @description The canvas's vector JSON (strokes): an object or an array, at most 5 MB serialised (in the multipart form: a JSON string) */
                    data?: {
                        [key: string]: unknown;
                    } | unknown[];
                    /** Format: int32 */
                    width?: number;
                    /** Format: int32 */
                    height?: number;
                    /**
                     * Format: binary
                     * @description The rendered drawing: a PNG (judged by its bytes), at most MAX_UPLOAD_BYTES (default 10 MB)
                     */
                    file?: string;
                };
                "application/json": {
                    /**
                     * Format: uuid
                     * @description Moves the drawing to another of the caller's projects (without `imageId` its image is cleared)
                     */
                    projectId?: string;
                    /**
                     * Format: uuid
                     * @description An image of the drawing's (new) project, or null (JSON form)
                     */
                    imageId?: string | null;
                    title?: string | null;
                    /** @description The canvas's vector JSON (strokes): an object or an array, at most 5 MB serialised (in the multipart form: a JSON string) */
                    data?: {
                        [key: string]: unknown;
                    } | unknown[];
                    /** Format: int32 */
                    width?: number;
                    /** Format: int32 */
                    height?: number;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The drawing's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drawing"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED.EMAIL_NOT_VERIFIED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteDrawingsById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getBillingPlans: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Plan"][];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getBillingSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postBillingCheckout: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    plan: "pro" | "enterprise";
                    /** @enum {string} */
                    interval: "month" | "year";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingRedirect"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.EMAIL_NOT_VERIFIED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE.ALREADY_SUBSCRIBED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE.BILLING_DISABLED"];
        };
    };
    postBillingPortal: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingRedirect"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.EMAIL_NOT_VERIFIED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE.BILLING_DISABLED"];
        };
    };
    postBillingWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                        /** @description The event id was processed before; nothing was applied */
                        duplicate: boolean;
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON.INVALID_SIGNATURE"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE.BILLING_DISABLED"];
        };
    };
    getFile: {
        parameters: {
            query: {
                /** @description Expiry, Unix seconds */
                exp: number;
                /** @description base64url HMAC-SHA256 of the key and `exp` */
                sig: string;
            };
            header?: never;
            path: {
                /** @description The file key, as in the `url`/`thumbnailUrl` the API returned. It contains `/`: send it as issued (`/api/files/users/…/page.png`) or percent-encoded into one segment (`users%2F…%2Fpage.png`, what an OpenAPI client does with a path parameter); both name the same file and signature. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file as stored, with its content type */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Size in bytes */
                    "Content-Length"?: number;
                    /** @description `private, max-age=<seconds until the URL expires>` */
                    "Cache-Control"?: string;
                    /** @description `inline` for images; `attachment` for downloads (export PDFs, archives) */
                    "Content-Disposition"?: string;
                    /** @description `nosniff` */
                    "X-Content-Type-Options"?: string;
                    /** @description `default-src 'none'` */
                    "Content-Security-Policy"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                    "image/jpeg": string;
                    "image/webp": string;
                    "application/pdf": string;
                    "application/zip": string;
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getTemplates: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
                /** @description Words to find in the title or description: each word (letters and digits) must begin a word there, case-insensitively, in any order ("oce anim" finds "Ocean animals") */
                q?: string;
                /** @description Exact category */
                category?: string;
                /** @description Templates carrying this exact tag */
                tag?: string;
                /** @description `-ratingAverage` puts unrated templates last; ties: newest first */
                sort?: "-createdAt" | "-useCount" | "-ratingAverage";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description `private, no-store` when the request carried a valid access token */
                    "Cache-Control"?: string;
                    /** @description Includes `Authorization`: the answer depends on who asks, so shared caches keep them apart */
                    Vary?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Template"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postTemplates: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title: string;
                    description?: string | null;
                    category?: string | null;
                    /** @description Up to 20 distinct tags of 1..40 characters */
                    tags?: string[];
                    /** @description Listed in the marketplace and readable by anyone (default false) */
                    isPublic?: boolean;
                    /** @description Needs a plan with premium templates to use. Only administrators set it (others: 403 `FORBIDDEN`) */
                    isPremium?: boolean;
                    /** @description A project skeleton: `settings` and up to 200 stories (`title`, `content`, `imagePrompts`), at most 1 MB of JSON */
                    content?: {
                        /**
                         * @description The new project's settings, at most 64 KB of JSON
                         * @default {}
                         */
                        settings?: {
                            [key: string]: unknown;
                        };
                        /**
                         * @description Up to 200 stories, in order
                         * @default []
                         */
                        stories?: {
                            title: string;
                            /** @default  */
                            content?: string;
                            /** @default [] */
                            imagePrompts?: string[];
                        }[];
                    };
                    /**
                     * Format: uuid
                     * @description Snapshots one of the caller's projects (its settings and stories) as the content; not with `content`
                     */
                    fromProjectId?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The template's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getTemplatesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` seen before (or a list of them, or `*`; weak comparison: `W/"3"` matches `"3"`). When it matches the current one the answer is 304 Not Modified without a body. */
                "If-None-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description `private, no-store` when the request carried a valid access token */
                    "Cache-Control"?: string;
                    /** @description Includes `Authorization`: the answer depends on who asks, so shared caches keep them apart */
                    Vary?: string;
                    /** @description The template's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            /** @description Not Modified: `If-None-Match` names the current `ETag`; no body */
            304: {
                headers: {
                    /** @description The current version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putTemplatesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title?: string;
                    description?: string | null;
                    category?: string | null;
                    /** @description Up to 20 distinct tags of 1..40 characters */
                    tags?: string[];
                    /** @description Listed in the marketplace and readable by anyone (default false) */
                    isPublic?: boolean;
                    /** @description Needs a plan with premium templates to use. Only administrators set it (others: 403 `FORBIDDEN`) */
                    isPremium?: boolean;
                    /** @description A project skeleton: `settings` and up to 200 stories (`title`, `content`, `imagePrompts`), at most 1 MB of JSON */
                    content?: {
                        /**
                         * @description The new project's settings, at most 64 KB of JSON
                         * @default {}
                         */
                        settings?: {
                            [key: string]: unknown;
                        };
                        /**
                         * @description Up to 200 stories, in order
                         * @default []
                         */
                        stories?: {
                            title: string;
                            /** @default  */
                            content?: string;
                            /** @default [] */
                            imagePrompts?: string[];
                        }[];
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description The template's version, e.g. `"3"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteTemplatesById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` that passes when any strong tag names the current version; `*` passes for any version. A weak tag (`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes. */
                "If-Match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            412: components["responses"]["E412.VERSION_CONFLICT"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postTemplatesByIdUse: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The new project's title; default: the template's title */
                    title?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description The new project's version, `"1"` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.PLAN_REQUIRED.STORAGE_QUOTA_EXCEEDED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getTemplatesByIdRatings: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description `private, no-store` when the request carried a valid access token */
                    "Cache-Control"?: string;
                    /** @description Includes `Authorization`: the answer depends on who asks, so shared caches keep them apart */
                    Vary?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["TemplateRating"][];
                        pagination: components["schemas"]["Pagination"];
                    };
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    putTemplatesByIdRatings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: int32
                     * @description An integer 1..5
                     */
                    rating: number;
                    /** @description At most 2000 characters; the PUT replaces the whole rating */
                    review?: string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateRating"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            403: components["responses"]["E403.FORBIDDEN"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteTemplatesByIdRatings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjectsByIdExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Only `pdf`
                     * @constant
                     */
                    format: "pdf";
                    /**
                     * @description The finished page: `letter` 8.5 × 11 in (default), `a4` 210 × 297 mm, `8x10` 8 × 10 in, `8.5x8.5` 8.5 × 8.5 in, `6x9` 6 × 9 in
                     * @default letter
                     * @enum {string}
                     */
                    trimSize?: "letter" | "a4" | "8x10" | "8.5x8.5" | "6x9";
                    /**
                     * @description Add 0.125 in to the top, the bottom and the outer edge (KDP): letter becomes 8.625 × 11.25 in. Default false
                     * @default false
                     */
                    bleed?: boolean;
                    /**
                     * @description Print each story's text on pages before its first coloring page. Default true
                     * @default true
                     */
                    includeStories?: boolean;
                    /**
                     * @description Print every coloring page on a right-hand page with a blank page behind it. Default false
                     * @default false
                     */
                    blankBacks?: boolean;
                };
            };
        };
        responses: {
            /** @description The PDF, streamed */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `attachment` with the file name made from the project title */
                    "Content-Disposition"?: string;
                    /** @description How many preflight warnings the book has (0 when none) */
                    "X-Export-Warnings"?: string;
                    /** @description The number of pages in the PDF */
                    "X-Export-Page-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/pdf": string;
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON.EMPTY_PROJECT"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.FILE_MISSING"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getProjectsByIdExportPreflight: {
        parameters: {
            query?: {
                /** @description The finished page: `letter` 8.5 × 11 in (default), `a4` 210 × 297 mm, `8x10` 8 × 10 in, `8.5x8.5` 8.5 × 8.5 in, `6x9` 6 × 9 in */
                trimSize?: "letter" | "a4" | "8x10" | "8.5x8.5" | "6x9";
                /** @description Add 0.125 in to the top, the bottom and the outer edge (KDP): letter becomes 8.625 × 11.25 in. Default false */
                bleed?: boolean;
                /** @description Print each story's text on pages before its first coloring page. Default true */
                includeStories?: boolean;
                /** @description Print every coloring page on a right-hand page with a blank page behind it. Default false */
                blankBacks?: boolean;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportPreflight"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postProjectsByIdExports: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Only `pdf`
                     * @constant
                     */
                    format: "pdf";
                    /**
                     * @description The finished page: `letter` 8.5 × 11 in (default), `a4` 210 × 297 mm, `8x10` 8 × 10 in, `8.5x8.5` 8.5 × 8.5 in, `6x9` 6 × 9 in
                     * @default letter
                     * @enum {string}
                     */
                    trimSize?: "letter" | "a4" | "8x10" | "8.5x8.5" | "6x9";
                    /**
                     * @description Add 0.125 in to the top, the bottom and the outer edge (KDP): letter becomes 8.625 × 11.25 in. Default false
                     * @default false
                     */
                    bleed?: boolean;
                    /**
                     * @description Print each story's text on pages before its first coloring page. Default true
                     * @default true
                     */
                    includeStories?: boolean;
                    /**
                     * @description Print every coloring page on a right-hand page with a blank page behind it. Default false
                     * @default false
                     */
                    blankBacks?: boolean;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description `/api/exports/{jobId}` */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportJob"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR.INVALID_JSON.EMPTY_PROJECT"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE.FILE_MISSING"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getExports: {
        parameters: {
            query?: {
                /** @description Only this project's jobs */
                projectId?: string;
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportJobList"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getExportsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportJob"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteExportsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getUsersMeArchives: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArchiveJobList"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postUsersMeArchives: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description `/api/users/me/archives/{id}` */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArchiveJob"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getUsersMeArchivesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArchiveJob"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteUsersMeArchivesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getUsersMeImports: {
        parameters: {
            query?: {
                page?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportJobList"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postUsersMeImports: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) answers the first response with `Idempotent-Replayed: true`. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description A ColorBook archive (ZIP), at most IMPORT_MAX_BYTES (default 512 MB)
                     */
                    file: string;
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key` */
                    "Idempotent-Replayed"?: "true";
                    /** @description `/api/users/me/imports/{id}` */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportJob"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            409: components["responses"]["E409.IDEMPOTENCY_KEY_IN_USE"];
            413: components["responses"]["E413.PAYLOAD_TOO_LARGE"];
            415: components["responses"]["E415.UNSUPPORTED_MEDIA_TYPE"];
            422: components["responses"]["E422.IDEMPOTENCY_KEY_REUSED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getUsersMeImportsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportJob"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    deleteUsersMeImportsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            404: components["responses"]["E404.NOT_FOUND"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getSyncChanges: {
        parameters: {
            query?: {
                /** @description The `cursor` of an earlier answer: what changed after it. Absent: the full state. Opaque; a string this server did not hand out → 400, one older than the retained log → 410 `CURSOR_EXPIRED` */
                since?: string;
                /** @description At most this many changes in the answer */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangesPage"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            410: components["responses"]["E410.CURSOR_EXPIRED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    postSyncTickets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ticket */
            201: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description Always `private, no-store` */
                    "Cache-Control"?: string;
                    /** @description Where the created resource lives */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncTicket"];
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
    getSyncStream: {
        parameters: {
            query?: {
                /** @description A cursor of an earlier feed answer or stream event: replay what changed after it */
                since?: string;
                /** @description A ticket from `POST /api/sync/tickets`, for clients that cannot send `Authorization` */
                ticket?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream that stays open; see the description for its events. `data` of `event: change` follows `x-change-data`. */
            200: {
                headers: {
                    /** @description The request id (also in every log line) */
                    "X-Request-Id"?: string;
                    /** @description IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60` */
                    RateLimit?: string;
                    /** @description IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:` */
                    "RateLimit-Policy"?: string;
                    /** @description `no-cache, no-store, private` */
                    "Cache-Control"?: string;
                    /** @description Includes `Authorization`: the answer depends on who asks, so shared caches keep them apart */
                    Vary?: string;
                    /** @description `no`: nginx passes events on at once */
                    "X-Accel-Buffering"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["E400.VALIDATION_ERROR"];
            401: components["responses"]["E401.UNAUTHENTICATED"];
            405: components["responses"]["E405.METHOD_NOT_ALLOWED"];
            410: components["responses"]["E410.CURSOR_EXPIRED"];
            429: components["responses"]["E429.RATE_LIMITED"];
            500: components["responses"]["E500.INTERNAL"];
            503: components["responses"]["E503.SERVICE_UNAVAILABLE"];
        };
    };
}
