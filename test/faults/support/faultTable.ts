// The table the fault suite prints: each fault injected, where, how often, and what Tribune did about it.

export interface FaultRow {
  system: string;
  fault: string;
  injected: number;
  outcome: string;
}

/** Collects rows as faults are injected; `print` writes the table to stdout. */
export class FaultTable {
  readonly rows: FaultRow[] = [];

  add(system: string, fault: string, injected: number, outcome = ""): FaultRow {
    const row = { system, fault, injected, outcome };
    this.rows.push(row);
    return row;
  }

  render(): string {
    const header: FaultRow = { system: "system", fault: "fault", injected: 0, outcome: "outcome" };
    const cells = (row: FaultRow) => [
      row.system,
      row.fault,
      row === header ? "injected" : String(row.injected),
      row.outcome,
    ];
    const widths = [0, 1, 2, 3].map((i) =>
      Math.max(...[header, ...this.rows].map((row) => cells(row)[i]?.length ?? 0)),
    );
    const line = (row: FaultRow) =>
      `| ${cells(row)
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join(" | ")} |`;
    return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...this.rows.map(line)].join("\n");
  }

  print(): void {
    process.stdout.write(`\nFault suite: faults injected and outcomes\n${this.render()}\n`);
  }
}
