import { describe, expect, it } from "vitest";
import { isConnectionLost } from "./connectionLost.js";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("isConnectionLost", () => {
  it("knows a server going away, a refused or broken socket, and a connection that ended under a query", () => {
    for (const error of [
      withCode("57P01", "terminating connection due to administrator command"),
      withCode("57P02"),
      withCode("57P03", "the database system is starting up"),
      withCode("08006"),
      withCode("08001"),
      withCode("ECONNREFUSED"),
      withCode("ECONNRESET"),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
    ]) {
      expect(isConnectionLost(error), String(error)).toBe(true);
    }
  });

  it("does not take what the statement asked for a lost connection", () => {
    for (const error of [
      withCode("23505", "duplicate key value violates unique constraint"),
      withCode("40P01", "deadlock detected"),
      withCode("42P01", 'relation "job" does not exist'),
      withCode("57014", "canceling statement due to statement timeout"),
      new Error("Cannot use a pool after calling end on the pool"),
      "57P01",
      null,
      undefined,
    ]) {
      expect(isConnectionLost(error), String(error)).toBe(false);
    }
  });
});
