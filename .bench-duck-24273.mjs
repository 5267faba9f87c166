
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
const r = await conn.runAndReadAll("SUMMARIZE SELECT * FROM read_csv('" + process.argv[2].replace(/'/g, "''") + "')");
process.stdout.write(String(r.getRowObjects().length) + ' columns summarized\n');
