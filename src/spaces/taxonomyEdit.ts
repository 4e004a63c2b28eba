import { TribuneError } from "../errors/tribuneError.js";
import { type Taxonomy, taxonomySchema } from "../values/taxonomy.js";

// A steward's edit of a space's value dimensions, as one pure step from the old list to the new; the taxonomy store
// then versions it, audits it and re-decides. Ids stay stable on rename, so weights and digests keep meaning.

export type TaxonomyEdit =
  | { subcommand: "rename"; value: string; name: string }
  | { subcommand: "add"; value: string; name: string; meaning: string }
  | { subcommand: "remove"; value: string };

/** Applies an edit, or explains why it cannot be applied. */
export function editTaxonomy(taxonomy: Taxonomy, edit: TaxonomyEdit): Taxonomy {
  const known = taxonomy.some((d) => d.id === edit.value);
  const ids = taxonomy.map((d) => d.id).join(", ");
  if (edit.subcommand !== "add" && !known) {
    throw new TribuneError(
      "taxonomy.unknown",
      `This space has no value "${edit.value.slice(0, 40)}"`,
      `Its values are: ${ids}`,
    );
  }
  let next: Taxonomy;
  if (edit.subcommand === "rename") next = taxonomy.map((d) => (d.id === edit.value ? { ...d, name: edit.name } : d));
  else if (edit.subcommand === "remove") next = taxonomy.filter((d) => d.id !== edit.value);
  else {
    if (known)
      throw new TribuneError(
        "taxonomy.exists",
        `The value "${edit.value}" exists already`,
        "Rename it instead, or pick a new id",
      );
    next = [...taxonomy, { id: edit.value, name: edit.name, meaning: edit.meaning }];
  }
  const checked = taxonomySchema.safeParse(next);
  if (!checked.success) {
    throw new TribuneError(
      "taxonomy.invalid",
      `That would leave the values invalid: ${checked.error.issues[0]?.message ?? "unknown problem"}`,
      "A space keeps 1 to 16 values, ids in lower_snake_case (2–40 characters), names up to 60 characters",
    );
  }
  return checked.data;
}
