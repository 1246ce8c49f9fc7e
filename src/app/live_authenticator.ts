import type { Authenticator, AuthRequest, AuthResult } from "../auth/mod.ts";

/**
 * The authenticator the servers hold: it delegates to the one built from the current
 * configuration, so a reload swaps users, method or exclusions without restarting a listener.
 * A request already being checked finishes with the authenticator it started with.
 */
export class LiveAuthenticator implements Authenticator {
  #current: Authenticator;

  constructor(initial: Authenticator) {
    this.#current = initial;
  }

  /** The authenticator in effect. */
  get current(): Authenticator {
    return this.#current;
  }

  /** Replaces the authenticator for every later request. */
  swap(next: Authenticator): void {
    this.#current = next;
  }

  check(req: AuthRequest): Promise<AuthResult> {
    return this.#current.check(req);
  }

  challenges(nonce: string): string[] {
    return this.#current.challenges(nonce);
  }
}
