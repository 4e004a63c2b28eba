// Sentences with their positions, and a TextRank ranking of them: the offline summariser's way to find the passages
// that say the most. Plain arithmetic in a fixed order, so the same text always gives the same ranking, byte for byte.
// @see Mihalcea & Tarau, "TextRank: Bringing Order into Texts" (2004), https://aclanthology.org/W04-3252/

/** A sentence of a source text: verbatim, with its UTF-16 offsets. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
  /** Its order in the text, from 0. */
  index: number;
  /** The markdown heading it sits under ("" before the first one). */
  section: string;
}

const HEADING = /^\s*(?:#{1,6}\s+(.+?)\s*#*\s*|\*\*([^*]+)\*\*:?\s*)$/;
const MAX_CHARS = 600;
const STOPWORDS = new Set(
  "the and for that this with from will are was were have has had been not but they their them which would could should into over than then there these those also only such more most other some any each its our your all can may might must about after before when what who how why where while being does did done per via its".split(
    " ",
  ),
);

/**
 * Splits text into sentences: a line break always ends one (markdown lists, headings), and so does ., ! or ? before
 * a capital. Headings, bare links, images and fragments (under `minChars` characters or `minWords` words) are not
 * sentences; forum replies are short, so their callers lower the bar.
 */
export function splitSentences(text: string, { minChars = 25, minWords = 4 } = {}): Sentence[] {
  const sentences: Sentence[] = [];
  const lineBreaks = /[^\n]+/g;
  let section = "";
  for (const line of text.matchAll(lineBreaks)) {
    const heading = HEADING.exec(line[0]);
    if (heading) {
      section = (heading[1] ?? heading[2] ?? "").trim();
      continue;
    }
    const parts = line[0].split(/(?<=[.!?])\s+(?=["“(]?[A-Z0-9$])/);
    let offset = line.index;
    for (const part of parts) {
      const at = line[0].indexOf(part, offset - line.index) + line.index;
      offset = at + part.length;
      const lead = /^\s*(?:[-*+>]\s+|\d+[.)]\s+|#+\s+)?/.exec(part)?.[0].length ?? 0;
      const body = part.slice(lead).trimEnd();
      if (!isProse(body, minChars, minWords)) continue;
      const cut = body.lastIndexOf(" ", MAX_CHARS);
      const clipped = body.length > MAX_CHARS ? body.slice(0, cut > 0 ? cut : MAX_CHARS) : body;
      sentences.push({
        text: clipped,
        start: at + lead,
        end: at + lead + clipped.length,
        index: sentences.length,
        section,
      });
    }
  }
  return sentences;
}

function isProse(text: string, minChars: number, minWords: number): boolean {
  if (text.length < minChars) return false;
  if (/^!?\[[^\]]*\]\([^)]*\)$/.test(text) || /^https?:\/\/\S+$/.test(text)) return false;
  return (text.match(/\p{L}{2,}/gu) ?? []).length >= minWords;
}

/** Lower-case content words of a sentence. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]{2,}/gu) ?? []).filter((w) => !STOPWORDS.has(w));
}

const DAMPING = 0.85;
const ITERATIONS = 40;

/**
 * TextRank scores (same order as `sentences`): a sentence scores high when it shares words with other high-scoring
 * sentences. Similarity is word overlap normalised by sentence length, as in the paper.
 */
export function rankSentences(sentences: readonly Sentence[]): number[] {
  const words = sentences.map((s) => new Set(contentWords(s.text)));
  const n = sentences.length;
  const weights: number[][] = words.map((a, i) =>
    words.map((b, j) => {
      if (i === j || a.size < 2 || b.size < 2) return 0;
      let shared = 0;
      for (const w of a) if (b.has(w)) shared += 1;
      return shared / (Math.log(a.size) + Math.log(b.size));
    }),
  );
  const outSums = weights.map((row) => row.reduce((sum, w) => sum + w, 0));
  let scores = new Array<number>(n).fill(1);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    scores = scores.map((_, i) => {
      let incoming = 0;
      for (let j = 0; j < n; j++) {
        const w = weights[j]?.[i] ?? 0;
        const out = outSums[j] ?? 0;
        if (w > 0 && out > 0) incoming += (w / out) * (scores[j] ?? 0);
      }
      return 1 - DAMPING + DAMPING * incoming;
    });
  }
  return scores;
}

/** Sentence indexes by descending score; ties go to the earlier sentence. */
export function byRank(scores: readonly number[]): number[] {
  return scores
    .map((score, index) => ({ score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.index);
}
