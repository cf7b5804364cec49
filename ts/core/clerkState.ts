/** What `rootAuthLoader` adds to the root loader's data and `ClerkApp` reads back. */
export interface ClerkState {
  __internal_clerk_state: Record<string, unknown>;
}
