import { assertEquals } from "../../shared/testing/mod.ts";
import { median, percentile } from "./_stats.ts";

Deno.test("bench stats: percentiles by index, unsorted input left alone", () => {
  const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assertEquals(median(xs), 6);
  assertEquals(percentile(xs, 0), 1);
  assertEquals(percentile(xs, 90), 10);
  assertEquals(percentile(xs, 100), 10);
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(xs[0], 5);
});
