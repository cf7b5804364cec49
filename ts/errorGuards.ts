// `clerk-remix-native/errors`: `@clerk/remix/errors`, Clerk's error type guards. `isClerkAPIResponseError` also
// recognises the Backend API errors this package throws (ts/core/authObject.ts ClerkAPIResponseError has `clerkError`).
export {
  EmailLinkErrorCode,
  EmailLinkErrorCodeStatus,
  isClerkAPIResponseError,
  isEmailLinkError,
  isKnownError,
  isMetamaskError,
  isReverificationCancelledError,
} from '@clerk/clerk-react/errors';
