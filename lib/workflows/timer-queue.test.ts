import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTimerQueue } from "./timer-queue";

describe("createTimerQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires keys in time order with a single pending timer", () => {
    const fired: string[][] = [];
    const q = createTimerQueue((keys) => fired.push(keys));
    for (let i = 999; i >= 0; i--) q.arm(`g${i}`, 1000 + i);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fired.flat()).toEqual(["g0"]);
    vi.advanceTimersByTime(999);
    expect(fired.flat()).toHaveLength(1000);
    expect(fired.flat().slice(0, 3)).toEqual(["g0", "g1", "g2"]);
    expect(q.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("re-arming moves a deadline and disarming cancels it", () => {
    const fired: string[] = [];
    const q = createTimerQueue((keys) => fired.push(...keys));
    q.arm("a", 100);
    q.arm("b", 200);
    q.arm("a", 300); // extended
    q.disarm("b");
    vi.advanceTimersByTime(250);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(["a"]);
  });

  it("fires deadlines already in the past at once, and clear() stops everything", () => {
    const fired: string[] = [];
    const q = createTimerQueue((keys) => fired.push(...keys));
    vi.advanceTimersByTime(5000);
    q.arm("late", 10);
    vi.advanceTimersByTime(0);
    expect(fired).toEqual(["late"]);
    q.arm("never", 6000);
    q.clear();
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(["late"]);
  });
});
