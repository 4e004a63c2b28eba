import type { AuditLog } from "../audit/auditLog.js";
import { TribuneError } from "../errors/tribuneError.js";
import type { PrismaClient, ValueProfile } from "../generated/prisma/client.js";
import { describeProfile } from "./describeProfile.js";
import { type ProfileRules, profileRulesSchema } from "./hardRules.js";
import { type CompileFailure, compileStatement, type ProfileCompiler } from "./profileCompiler.js";
import type { TaxonomyStore } from "./taxonomyStore.js";
import { type EngineProfile, type Privacy, unknownWeightIds, type Weights, weightsSchema } from "./valueProfile.js";

// Members' value profiles, versioned: every statement or edit is a new row, and only a version the member has
// confirmed votes. Decisions name the row they used, so an old decision can always be explained with the profile
// that made it.

export interface ProfileStoreOptions {
  prisma: PrismaClient;
  audit: AuditLog;
  taxonomies: TaxonomyStore;
  compiler: ProfileCompiler;
  clock?: () => Date;
  /** Called after a version is confirmed: re-decide the member's open proposals (DecisionService.redecideMember). */
  onConfirmed?: (memberId: string, spaceId: string) => Promise<void>;
}

/** A stored version with its parsed weights and rules, and the text shown back to the member. */
export interface StoredProfile extends EngineProfile {
  id: string;
  memberId: string;
  spaceId: string;
  statement: string;
  compiledBy: string;
  confirmedAt: Date | null;
  shownBack: string;
}

export type DraftResult = { ok: true; profile: StoredProfile } | CompileFailure;

export interface ProfileStore {
  /** Compiles a statement and stores it as a new, unconfirmed version; or says why it could not. */
  draft(input: { memberId: string; spaceId: string; statement: string; privacy?: Privacy }): Promise<DraftResult>;
  /** A new version with the member's own edits to weights, rules or privacy; unconfirmed unless only privacy changed. */
  edit(input: {
    memberId: string;
    spaceId: string;
    weights?: Weights;
    rules?: ProfileRules;
    privacy?: Privacy;
  }): Promise<StoredProfile>;
  /** Confirms the newest version (the one the member was shown); it votes from now on. */
  confirm(input: { memberId: string; spaceId: string; version: number }): Promise<StoredProfile>;
  /** The version that votes: the newest confirmed one, or null. */
  current(memberId: string, spaceId: string): Promise<StoredProfile | null>;
  /** The newest version, confirmed or not. */
  latest(memberId: string, spaceId: string): Promise<StoredProfile | null>;
}

/** Parses a stored row; a row that fails validation is an error naming it (never treated as an empty profile). */
export function parseStoredProfile(row: ValueProfile): EngineProfile & { id: string } {
  const weights = weightsSchema.safeParse(row.weights);
  const rules = profileRulesSchema.safeParse(row.rules);
  if (!weights.success || !rules.success) {
    throw new TribuneError(
      "values.profile_invalid",
      `Value profile ${row.id} (member ${row.memberId}, version ${row.version}) is not valid`,
      "Ask the member to state or edit their profile again",
    );
  }
  return {
    id: row.id,
    version: row.version,
    weights: weights.data,
    rules: rules.data,
    privacy: row.privacy,
    taxonomyVersion: row.taxonomyVersion,
  };
}

export function createProfileStore(options: ProfileStoreOptions): ProfileStore {
  const { prisma, audit, taxonomies, compiler, onConfirmed } = options;
  const clock = options.clock ?? (() => new Date());

  async function toStored(row: ValueProfile): Promise<StoredProfile> {
    const parsed = parseStoredProfile(row);
    const { taxonomy } = await taxonomies.get(row.spaceId);
    return {
      ...parsed,
      memberId: row.memberId,
      spaceId: row.spaceId,
      statement: row.statement,
      compiledBy: row.compiledBy,
      confirmedAt: row.confirmedAt,
      shownBack: describeProfile(parsed, taxonomy),
    };
  }

  async function newest(memberId: string, spaceId: string, confirmed: boolean) {
    return prisma.valueProfile.findFirst({
      where: { memberId, spaceId, ...(confirmed ? { confirmedAt: { not: null } } : {}) },
      orderBy: { version: "desc" },
    });
  }

  return {
    async draft({ memberId, spaceId, statement, privacy }) {
      const { taxonomy, version: taxonomyVersion } = await taxonomies.get(spaceId);
      const compiled = await compileStatement(statement, taxonomy, compiler);
      if (!compiled.ok) return compiled;
      const previous = await newest(memberId, spaceId, false);
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.valueProfile.create({
          data: {
            memberId,
            spaceId,
            version: (previous?.version ?? 0) + 1,
            statement,
            weights: compiled.profile.weights,
            rules: compiled.profile.rules,
            taxonomyVersion,
            privacy: privacy ?? previous?.privacy ?? "private",
            compiledBy: compiled.compiledBy,
          },
        });
        await audit.append(
          {
            action: "profile.drafted",
            actor: `member:${memberId}`,
            spaceId,
            memberId,
            data: { profileId: created.id, version: created.version, compiledBy: created.compiledBy },
          },
          tx,
        );
        return created;
      });
      const stored = await toStored(row);
      const shownBack = describeProfile(
        { ...stored, because: compiled.profile.because, notes: compiled.profile.notes },
        taxonomy,
      );
      return { ok: true, profile: { ...stored, shownBack } };
    },

    async edit({ memberId, spaceId, weights, rules, privacy }) {
      const previous = await newest(memberId, spaceId, false);
      if (!previous) {
        throw new TribuneError("values.no_profile", "You have no profile in this space yet", "State your values first");
      }
      const before = parseStoredProfile(previous);
      const { taxonomy, version: taxonomyVersion } = await taxonomies.get(spaceId);
      const nextWeights = weights ? weightsSchema.parse(weights) : before.weights;
      const unknown = unknownWeightIds(nextWeights, taxonomy);
      if (weights && unknown.length > 0) {
        throw new TribuneError(
          "values.unknown_dimension",
          `This space has no value named ${unknown.join(", ")}`,
          `Use one of: ${taxonomy.map((d) => d.id).join(", ")}`,
        );
      }
      const nextRules = rules ? profileRulesSchema.parse(rules) : before.rules;
      const sameContent =
        JSON.stringify(nextWeights) === JSON.stringify(before.weights) &&
        JSON.stringify(nextRules) === JSON.stringify(before.rules);
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.valueProfile.create({
          data: {
            memberId,
            spaceId,
            version: previous.version + 1,
            statement: previous.statement,
            weights: nextWeights,
            rules: nextRules,
            taxonomyVersion,
            privacy: privacy ?? previous.privacy,
            compiledBy: sameContent ? previous.compiledBy : `${previous.compiledBy}+edited`,
            // Only privacy changed: what the member confirmed still holds, so the confirmation carries over.
            confirmedAt: sameContent && previous.confirmedAt ? clock() : null,
          },
        });
        await audit.append(
          {
            action: "profile.edited",
            actor: `member:${memberId}`,
            spaceId,
            memberId,
            data: { profileId: created.id, version: created.version, confirmed: created.confirmedAt !== null },
          },
          tx,
        );
        return created;
      });
      if (row.confirmedAt) await onConfirmed?.(memberId, spaceId);
      return toStored(row);
    },

    async confirm({ memberId, spaceId, version }) {
      const row = await prisma.$transaction(async (tx) => {
        const latest = await tx.valueProfile.findFirst({ where: { memberId, spaceId }, orderBy: { version: "desc" } });
        if (!latest || latest.version !== version) {
          throw new TribuneError(
            "values.stale_confirmation",
            `Version ${version} is not your newest profile${latest ? ` (that is version ${latest.version})` : ""}`,
            "Look at your newest profile and confirm that one",
          );
        }
        if (latest.confirmedAt) return latest;
        const confirmed = await tx.valueProfile.update({ where: { id: latest.id }, data: { confirmedAt: clock() } });
        await audit.append(
          {
            action: "profile.confirmed",
            actor: `member:${memberId}`,
            spaceId,
            memberId,
            data: { profileId: confirmed.id, version: confirmed.version },
          },
          tx,
        );
        return confirmed;
      });
      await onConfirmed?.(memberId, spaceId);
      return toStored(row);
    },

    async current(memberId, spaceId) {
      const row = await newest(memberId, spaceId, true);
      return row ? toStored(row) : null;
    },

    async latest(memberId, spaceId) {
      const row = await newest(memberId, spaceId, false);
      return row ? toStored(row) : null;
    },
  };
}
