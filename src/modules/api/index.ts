// The API (tokens, REST /api/v1, OpenAPI, webhooks): what other modules may use.
export { apiMigrations, type ApiTables } from './schema.ts';
export { API } from './permissions.ts';
export { SCOPES, ALL_SCOPES, type Scope } from './scopes.ts';
export { createToken, listTokens, revokeToken, authenticateToken } from './tokens.service.ts';
export { createApplicationToken } from './app-tokens.service.ts';
