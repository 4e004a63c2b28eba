import { describe, expect, it } from "vitest";
import { countLine, createProgress } from "../../src/startup/progress.js";

describe("the progress line", () => {
  it("rewrites one line in place on a terminal and ends it with a newline", () => {
    const out: string[] = [];
    const progress = createProgress({ write: (text: string) => out.push(text), isTTY: true });
    progress.update(countLine("digesting 3 proposals", 0, 3));
    progress.update(countLine("digesting 3 proposals", 0, 3));
    progress.update(countLine("digesting 3 proposals", 2, 3));
    progress.done("3 proposals digested");
    expect(out).toEqual([
      "\r\u001b[2Kdigesting 3 proposals: 0/3",
      "\r\u001b[2Kdigesting 3 proposals: 2/3",
      "\r\u001b[2K3 proposals digested",
      "\n",
    ]);
  });

  it("writes plain lines, once per change, elsewhere", () => {
    const out: string[] = [];
    const progress = createProgress({ write: (text: string) => out.push(text), isTTY: false });
    progress.update("seeding");
    progress.update("seeding");
    progress.update("digesting: 1/2");
    progress.done();
    progress.update("next step");
    progress.done("next step");
    expect(out.join("")).toBe("seeding\ndigesting: 1/2\nnext step\n");
    expect(out.join("")).not.toContain("\u001b");
  });
});
