import { TribuneError } from "../errors/tribuneError.js";

/** The database could not be opened, reached or migrated; `hint` says what to do. */
export class DatabaseError extends TribuneError {}
