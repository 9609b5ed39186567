/**
 * What the service keeps: one repository per concern over the SQL port, each in its own file and
 * readable alone: tokens, the credits ledger, sessions and drafts, media, turns, previews, jobs,
 * claim links, the request log, and retention (what spans them all). The store opens the database
 * (migrations), builds the repositories over one read cache, and answers their operations under
 * the names callers have always used (`store.balance(…)` is `store.ledger.balance(…)`).
 */
import { Claims } from './claims.js';
import { Jobs } from './jobs.js';
import { Ledger } from './ledger.js';
import { Media } from './media.js';
import { Previews } from './previews.js';
import { migrate } from './migrations.js';
import { ReadCache } from './read-cache.js';
import { Requests } from './requests.js';
import { Retention } from './retention.js';
import { Sessions } from './sessions.js';
import type { Sql } from './sql.js';
import { Tokens } from './tokens.js';
import { Turns } from './turns.js';

export * from './rows.js';

export interface StoreOptions {
  /** Keep reads of sessions, media, turns and balances until this process writes them (default true: one process per database). */
  readonly cache?: boolean;
  /** Written on every turn this store starts: the process whose lease keeps it alive. */
  readonly owner?: string;
}

/** Each repository's operations that the store answers itself. */
const OPS = {
  tokens: ['issueAnonymousToken', 'authenticate', 'revokeToken'],
  ledger: ['balance', 'reserve', 'settle', 'releaseOpenHolds'],
  sessions: ['createSession', 'sessionOf', 'saveDraft', 'clipsOf', 'saveClips', 'clipHistory', 'setDisplay', 'draftHistory'],
  media: ['addMedia', 'mediaOf', 'setMediaAnalysis'],
  turns: ['startTurn', 'claimTurn', 'finishTurn', 'completeTurn', 'lastTurn', 'failRunningTurns'],
  previews: ['addGenerated', 'generatedOf', 'sweepPreviews'],
  jobs: ['createJob', 'job', 'jobState', 'createExport', 'jobStarted', 'jobProgress', 'jobFinished', 'unfinishedJobs', 'sweepFinishedJobs'],
  claims: ['createClaim', 'redeemClaim', 'claimsOf', 'revokeClaim'],
  requests: ['logRequests', 'sweepRequests'],
  retention: ['storageUsed', 'sweepIdleSessions', 'referencedFiles'],
} as const;
type Ops<R, K extends keyof typeof OPS> = Pick<R, (typeof OPS)[K][number] & keyof R>;

// The operations above, typed from their repositories (declaration merging with the class below).
export interface Store extends Ops<Tokens, 'tokens'>, Ops<Ledger, 'ledger'>, Ops<Sessions, 'sessions'>, Ops<Media, 'media'>, Ops<Turns, 'turns'>,
  Ops<Previews, 'previews'>, Ops<Jobs, 'jobs'>, Ops<Claims, 'claims'>, Ops<Requests, 'requests'>, Ops<Retention, 'retention'> {}

export class Store {
  readonly tokens: Tokens;
  readonly ledger: Ledger;
  readonly sessions: Sessions;
  readonly media: Media;
  readonly turns: Turns;
  readonly previews: Previews;
  readonly jobs: Jobs;
  readonly claims: Claims;
  readonly requests: Requests;
  readonly retention: Retention;

  private constructor(readonly sql: Sql, secret: Buffer, o: StoreOptions) {
    // Off when several processes share the database: another process's write would leave it stale.
    const cache = new ReadCache(o.cache !== false);
    this.tokens = new Tokens(sql, secret);
    this.ledger = new Ledger(sql, cache);
    this.sessions = new Sessions(sql, cache);
    this.media = new Media(sql, cache);
    this.turns = new Turns(sql, cache, this.ledger, o.owner ?? null);
    this.previews = new Previews(sql, cache);
    this.jobs = new Jobs(sql);
    this.claims = new Claims(sql, cache, this.tokens);
    this.requests = new Requests(sql);
    this.retention = new Retention(sql, cache);
    for (const [repo, names] of Object.entries(OPS) as [keyof typeof OPS, readonly string[]][]) {
      const r = this[repo] as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const n of names) (this as unknown as Record<string, unknown>)[n] = r[n]!.bind(r);
    }
  }

  static async open(sql: Sql, secret: Buffer, o: StoreOptions = {}): Promise<Store> {
    await migrate(sql);
    return new Store(sql, secret, o);
  }

  /** The process that owns the turns this store starts (leases: src/service/leases.ts); null in a one-process deployment. */
  get owner(): string | null {
    return this.turns.owner;
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}
