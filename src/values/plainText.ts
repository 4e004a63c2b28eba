// Small text helpers for explanations and show-backs: fixed rules, so the same numbers always read the same way.

/** Cuts at a word boundary and marks the cut, so a clipped text never ends mid-word when it can be helped. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  // Back off to the last whole word unless that would throw away more than half the room.
  const space = text[max - 1] === " " ? cut.length : cut.lastIndexOf(" ");
  return `${(space >= max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** "Treasury prudence" → "treasury prudence", but "L2 scaling" keeps its capital. */
export function lowerFirst(name: string): string {
  const second = name[1];
  return name.length > 1 && second === second?.toLowerCase() ? (name[0]?.toLowerCase() ?? "") + name.slice(1) : name;
}

export function capitalise(text: string): string {
  return text.length === 0 ? text : (text[0]?.toUpperCase() ?? "") + text.slice(1);
}

const signedCache = new Map<number, string>();

/** "+12.5", "-8", "0": one decimal at most. Cached: utilities repeat across members, their texts need not. */
export function signed(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  let text = signedCache.get(rounded);
  if (text === undefined) {
    text = rounded > 0 ? `+${rounded}` : `${rounded === 0 ? 0 : rounded}`;
    if (signedCache.size < 10_000) signedCache.set(rounded, text);
  }
  return text;
}
