// The Snapshot hub's request limits, rebuilt for the local hub so that Tribune's queries meet the same refusals there
// as on hub.snapshot.org. Sources: snapshot-hub src/graphql/helpers.ts (ARG_LIMITS, checkLimits, buildWhereQuery) and
// src/graphql/index.ts (queryCountLimit(5, 5), depthLimit(5)); both MIT.
import {
  type ASTNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

const ARG_LIMITS: Record<string, Record<string, number>> = {
  default: { first: 1000, skip: 5000, "*_in": 100 },
  proposals: { space_in: 10000 },
};

/** checkLimits: `first`, `skip` and every `*_in` list against the hub's caps, with the hub's wording. */
export function checkLimits(args: { first?: number; skip?: number; where?: Record<string, unknown> }, type: string) {
  const where = args.where ?? {};
  const limits: Record<string, number> = { ...ARG_LIMITS.default, ...(ARG_LIMITS[type] ?? {}) };
  for (const key of Object.keys(where)) {
    if (key.endsWith("_in") && !(key in limits)) limits[key] = limits["*_in"] ?? 100;
  }
  for (const [key, limit] of Object.entries(limits)) {
    const value = key === "first" || key === "skip" ? args[key] : where[key];
    const over = key.endsWith("_in") ? Array.isArray(value) && value.length > limit : Number(value) > limit;
    if (over) throw new Error(`The \`${key}\` argument must not be greater than ${limit}`);
    if ((key === "first" || key === "skip") && Number(value) < 0) {
      throw new Error(`The \`${key}\` argument must be positive`);
    }
  }
}

type Row = Record<string, unknown>;

/**
 * buildWhereQuery: equality, `_in`, and for numbers `_gt/_gte/_lt/_lte`. Like the hub, a falsy value (0, "") is no
 * filter at all, and an empty `_in` list is ignored. Compiled once per query: `_in` lists become sets.
 */
export function compileWhere(where: Row, fields: Record<string, "string" | "number">): (row: Row) => boolean {
  const tests: ((row: Row) => boolean)[] = [];
  for (const [field, type] of Object.entries(fields)) {
    const eq = where[field];
    if (eq) tests.push((row) => fold(row[field]) === fold(eq));
    const list = where[`${field}_in`];
    if (Array.isArray(list) && list.length > 0) {
      const set = new Set(list.map(fold));
      tests.push((row) => set.has(fold(row[field])));
    }
    if (type !== "number") continue;
    const n = (row: Row) => Number(row[field] ?? 0);
    const { [`${field}_gt`]: gt, [`${field}_gte`]: gte, [`${field}_lt`]: lt, [`${field}_lte`]: lte } = where;
    if (gt) tests.push((row) => n(row) > Number(gt));
    if (gte) tests.push((row) => n(row) >= Number(gte));
    if (lt) tests.push((row) => n(row) < Number(lt));
    if (lte) tests.push((row) => n(row) <= Number(lte));
  }
  return (row) => tests.every((test) => test(row));
}

/** MySQL's default collation compares text case-insensitively (addresses written either way match). */
function fold(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

/** ORDER BY <field> <direction>, id ASC, then LIMIT skip, first. */
export function orderAndSlice<T extends Row>(
  rows: T[],
  orderBy: string,
  direction: string,
  skip: number,
  first: number,
) {
  const sign = direction.toUpperCase() === "ASC" ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const d = (Number(a[orderBy] ?? 0) - Number(b[orderBy] ?? 0)) * sign;
      return d !== 0 ? d : String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
    })
    .slice(skip, skip + first);
}

/** graphql-query-count-limit(5, 5): at most five query operations, each with at most five root selections. */
export function queryCountLimit(maxQueries: number, maxRootFields: number): ValidationRule {
  return (context: ValidationContext) => {
    const operations = context.getDocument().definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length > maxQueries) {
      context.reportError(new GraphQLError(`Too many queries: ${operations.length} (max ${maxQueries})`));
    }
    for (const operation of operations) {
      if (operation.selectionSet.selections.length > maxRootFields) {
        context.reportError(
          new GraphQLError(`Query has ${operation.selectionSet.selections.length} root fields (max ${maxRootFields})`),
        );
      }
    }
    return {};
  };
}

/** graphql-depth-limit(5): root fields are depth 0; a field deeper than the limit fails the whole document. */
export function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const walk = (set: SelectionSetNode, depth: number, name: string, seen: Set<string>): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (depth > maxDepth) {
            context.reportError(
              new GraphQLError(`'${name}' exceeds maximum operation depth of ${maxDepth}`, {
                nodes: [selection as ASTNode],
              }),
            );
            return;
          }
          if (selection.selectionSet) walk(selection.selectionSet, depth + 1, name, seen);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet, depth, name, seen);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (fragment && !seen.has(fragment.name.value)) {
            walk(fragment.selectionSet, depth, name, new Set([...seen, fragment.name.value]));
          }
        }
      }
    };
    for (const d of context.getDocument().definitions) {
      if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 0, d.name?.value ?? "query", new Set());
    }
    return {};
  };
}
