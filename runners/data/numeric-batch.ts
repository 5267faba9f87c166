/** One batch of a columnar CSV read (readNumericBatches), and which columns it reads how. */
export interface ColumnSelection {
  /** Column indices read as numbers (plain decimals; other cells become exceptions). */
  numeric: number[];
  /** Column indices kept as raw cells (string, or null for an empty cell). */
  text: number[];
}

export interface NumericBatch {
  columns: string[];
  /** Rows in the batch. */
  n: number;
  /** 1-based data row number of the first row. */
  firstRow: number;
  /** File line of each row. */
  lines: Int32Array;
  /** Per column index, for numeric columns: the value of each row; NaN where the cell is in `exceptions`. */
  numbers: (Float64Array | undefined)[];
  /** Per numeric column: the cells that are not plain decimals, raw as readBatches gives them, by row in the batch. */
  exceptions: (Map<number, string | null> | undefined)[];
  /** Per column index, for text columns: the raw cells. */
  text: ((string | null)[] | undefined)[];
}
