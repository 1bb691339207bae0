/**
 * The protocol's own connection for looking at the scratch database between phases (schema
 * snapshots, row fingerprints, tool bookkeeping, seeding new tables). Migration phases run on a
 * session of their own, reset between phases (src/execute/session.ts); only the checks share this
 * one. Opening a connection costs
 * about as much as a migration step (authentication, a new backend, cold catalog caches), and a
 * step-wise run takes six or more looks per migration, so one long-lived connection is the
 * difference between the checks costing a multiple of the migrations and costing a fraction.
 *
 * Why sharing is safe: every look is a self-contained implicit transaction that leaves no session
 * state (snapshots pin their settings with set_config(..., true), fingerprints use SET LOCAL), and
 * the connection is idle, holding no locks, while a phase runs. A migration may end other
 * sessions (pg_terminate_backend) — then the look is retried once on a new connection, which is
 * what the protocol did for every look before.
 */
import pg from 'pg';
import { ScratchDatabaseLostError } from '../errors.js';
import { isConnectionLoss } from '../postgres/failures.js';

/** A lazily opened, reused connection with one retry when the server ended it. */
export class Inspector {
  private client?: pg.Client;
  private alive = false;

  /**
   * @param url the scratch database
   * @param lostHint extra words for the error when even a new connection fails (e.g. that a
   *   migration stopped the server)
   * @param closeOthers closes the run's other idle sessions on the database (the reused phase
   *   session, src/execute/session.ts) when `idle` needs it without any
   */
  constructor(
    private readonly url: string,
    private readonly lostHint: () => string = () => '',
    private readonly closeOthers: () => Promise<void> = async () => {},
  ) {}

  /** Runs `fn` on the shared connection; on a lost connection, once more on a new one. */
  async use<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.connected();
    try {
      return await fn(client);
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      await this.close();
      try {
        return await fn(await this.connected());
      } catch (again) {
        // Lost twice in a row: the server is going or gone, not just this session.
        if (isConnectionLoss(again)) throw new ScratchDatabaseLostError(`lost the scratch database${this.lostHint()}: ${(again as Error).message}`);
        throw again;
      }
    }
  }

  /** Runs `fn` on a connection of its own, closed afterwards (for work that may leave session state). */
  async useFresh<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.open();
    try {
      return await fn(client);
    } catch (err) {
      // No retry: this work (seeding) is not idempotent, and a server that crashed under it
      // (a full disk PANICs on the WAL) is what the caller has to hear about.
      if (isConnectionLoss(err)) throw new ScratchDatabaseLostError(`lost the scratch database${this.lostHint()}: ${(err as Error).message}`);
      throw err;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Runs `fn` with the shared connection closed (CREATE DATABASE … TEMPLATE needs the database idle). */
  async idle<T>(fn: () => Promise<T>): Promise<T> {
    await this.close();
    await this.closeOthers();
    return fn();
  }

  /** Closes the shared connection (idempotent). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.alive = false;
    if (client) await client.end().catch(() => {});
  }

  private async connected(): Promise<pg.Client> {
    if (this.client && this.alive) return this.client;
    await this.close();
    const client = await this.open();
    this.client = client;
    this.alive = true;
    // A session the server ends while idle says so here; the next look reconnects.
    const gone = () => {
      if (this.client === client) this.alive = false;
    };
    client.on('error', gone);
    client.on('end', gone);
    return client;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    // An error event on an idle client (the server went away) must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      throw new ScratchDatabaseLostError(`lost the scratch database${this.lostHint()}: ${(err as Error).message}`);
    }
    return client;
  }
}
