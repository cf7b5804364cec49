// What the issuer's route handlers return to its HTTP server, and the error body Clerk's APIs answer with.
import { randomId } from './keys';

/** A response the server writes: the status, a body (serialized as JSON unless it is a string), extra headers. */
export type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** Clerk's error body: `{ errors: [{ code, message, long_message, meta }], clerk_trace_id }`. */
export const clerkError = (code: string, message: string, longMessage = message) => ({
  errors: [{ code, message, long_message: longMessage, meta: {} }],
  clerk_trace_id: `local_${randomId(12)}`,
});
