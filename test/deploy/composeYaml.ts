// A parser for the small subset of YAML that docker-compose.yml is written in, so the test needs no YAML library
// (none is a direct dependency): block mappings and sequences by indentation, plain and quoted scalars, flow
// collections written as JSON, comments, and anchors with merge keys (`&name`, `*name`, `<<: *name`). Anything else
// (block scalars, tabs, several documents, complex keys) is refused with its line number, never guessed at.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  number: number;
  indent: number;
  text: string;
}

/** Parses `source`; throws naming the line of anything outside the subset. */
export function parseComposeYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, i) => {
    if (raw.includes("\t")) throw new Error(`line ${i + 1}: tabs are not allowed`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === "") return;
    if (text.startsWith("---") || text.startsWith("...")) throw new Error(`line ${i + 1}: one document only`);
    lines.push({ number: i + 1, indent: text.length - text.trimStart().length, text: text.trim() });
  });
  const anchors = new Map<string, YamlValue>();
  let at = 0;

  function block(indent: number): YamlValue {
    const first = lines[at];
    if (!first || first.indent < indent) return null;
    return first.text.startsWith("- ") || first.text === "-" ? sequence(first.indent) : mapping(first.indent);
  }

  function mapping(indent: number): { [key: string]: YamlValue } {
    const result: { [key: string]: YamlValue } = {};
    // Keys written in this mapping win over merged ones, wherever the merge key stands (YAML's merge rule).
    const explicit = new Set<string>();
    for (let line = lines[at]; line && line.indent === indent; line = lines[at]) {
      const match = /^("[^"]*"|[^\s:][^:]*?):(?: (.*))?$/.exec(line.text);
      if (!match?.[1]) throw new Error(`line ${line.number}: expected "key: value", got ${JSON.stringify(line.text)}`);
      const key = match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1];
      at += 1;
      const value = valueAfter(match[2] ?? "", indent, line.number);
      if (key === "<<") {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          throw new Error(`line ${line.number}: a merge key takes a mapping`);
        }
        for (const [k, v] of Object.entries(value)) if (!(k in result)) result[k] = v;
      } else {
        if (explicit.has(key)) throw new Error(`line ${line.number}: duplicate key ${key}`);
        explicit.add(key);
        result[key] = value;
      }
    }
    expectDedent(indent);
    return result;
  }

  function sequence(indent: number): YamlValue[] {
    const result: YamlValue[] = [];
    for (let line = lines[at]; line && line.indent === indent && line.text.startsWith("-"); line = lines[at]) {
      const rest = line.text.slice(1).trim();
      if (/^[^"'[{*&][^:]*: /.test(rest) || /^[^"'[{*&][^:]*:$/.test(rest)) {
        throw new Error(`line ${line.number}: mappings inside sequences are outside the subset`);
      }
      at += 1;
      result.push(valueAfter(rest, indent, line.number));
    }
    expectDedent(indent);
    return result;
  }

  /** The value written after `key:` or `-`: inline, or the more indented block below (possibly anchored). */
  function valueAfter(inline: string, indent: number, lineNumber: number): YamlValue {
    let text = inline.trim();
    const anchor = /^&([\w-]+)(?: (.*))?$/.exec(text);
    if (anchor?.[1]) text = (anchor[2] ?? "").trim();
    let value: YamlValue;
    if (text === "") {
      const next = lines[at];
      value = next && next.indent > indent ? block(next.indent) : null;
    } else {
      value = scalar(text, lineNumber);
    }
    if (anchor?.[1]) anchors.set(anchor[1], value);
    return value;
  }

  function scalar(text: string, lineNumber: number): YamlValue {
    if (text.startsWith("*")) {
      const found = anchors.get(text.slice(1));
      if (found === undefined) throw new Error(`line ${lineNumber}: unknown alias ${text}`);
      return found;
    }
    if (text.startsWith("|") || text.startsWith(">"))
      throw new Error(`line ${lineNumber}: block scalars are outside the subset`);
    if (text.startsWith("[") || text.startsWith("{") || text.startsWith('"')) {
      try {
        return JSON.parse(text) as YamlValue;
      } catch {
        throw new Error(`line ${lineNumber}: flow values and double-quoted strings must be valid JSON: ${text}`);
      }
    }
    if (text.startsWith("'")) {
      if (!text.endsWith("'") || text.length < 2) throw new Error(`line ${lineNumber}: unterminated string`);
      return text.slice(1, -1).replaceAll("''", "'");
    }
    if (text === "null" || text === "~") return null;
    if (text === "true" || text === "false") return text === "true";
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    return text;
  }

  function expectDedent(indent: number): void {
    const next = lines[at];
    if (next && next.indent > indent) throw new Error(`line ${next.number}: unexpected indentation`);
  }

  const document = block(0);
  const left = lines[at];
  if (left) throw new Error(`line ${left.number}: unexpected indentation`);
  return document;
}

/** Drops a comment: from a `#` at the start or after a space, outside quotes. */
function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#" && (i === 0 || raw[i - 1] === " ")) {
      return raw.slice(0, i);
    }
  }
  return raw;
}
