/** Where the token came from, as Clerk names it. */
export type TokenCarrier = 'header' | 'cookie';

/**
 * A token that did not verify. Same shape as `@clerk/backend`'s `TokenVerificationError` (`reason`, `action`,
 * `tokenCarrier`, `getFullMessage()`), plus a stable `code` equal to `reason` (for example `token-expired`).
 * Messages never contain the token or a secret key.
 */
export class TokenVerificationError extends Error {
  readonly code: string;
  readonly reason: string;
  readonly action?: string;
  tokenCarrier?: TokenCarrier;

  constructor({ reason, message, action }: { reason: string; message: string; action?: string }) {
    super(message);
    this.name = 'TokenVerificationError';
    this.code = reason;
    this.reason = reason;
    this.action = action;
  }

  /** `<message> <action> (reason=<reason>, token-carrier=<carrier>)`, as Clerk's `getFullMessage()`. */
  getFullMessage(): string {
    return `${[this.message, this.action].filter(Boolean).join(' ')} (reason=${this.reason}, token-carrier=${this.tokenCarrier})`;
  }
}
