// Placeholder until the owning capability adds its benchmark.
export default async function bench(_opts: { quick: boolean }): Promise<void> {
  process.stdout.write('not implemented yet\n');
}
