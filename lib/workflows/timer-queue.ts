/** setTimeout's longest delay; longer waits are re-armed on wake-up. */
const MAX_DELAY_MS = 2 ** 31 - 1;

type Entry = { at: number; key: string };

export type TimerQueue = {
  /** Fire `key` at `at` (ms since epoch); re-arming a key replaces its previous time. */
  arm(key: string, at: number): void;
  disarm(key: string): void;
  has(key: string): boolean;
  /** When `key` fires (ms since epoch), if armed. */
  at(key: string): number | undefined;
  readonly size: number;
  clear(): void;
};

/**
 * Many deadlines, one timer: a binary min-heap ordered by time and a single setTimeout for the earliest.
 * Re-armed or disarmed keys leave stale heap entries that are skipped when popped (lazy deletion).
 */
export function createTimerQueue(
  onDue: (keys: string[]) => void,
  clock: () => number = Date.now,
): TimerQueue {
  const heap: Entry[] = [];
  const current = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerAt = Number.POSITIVE_INFINITY;

  const less = (i: number, j: number) => heap[i].at < heap[j].at;
  const swap = (i: number, j: number) => {
    [heap[i], heap[j]] = [heap[j], heap[i]];
  };
  function push(e: Entry) {
    heap.push(e);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(i, p)) break;
      swap(i, p);
      i = p;
    }
  }
  function pop(): Entry | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
    return top;
  }
  const live = (e: Entry) => current.get(e.key) === e.at;

  function schedule() {
    while (heap.length > 0 && !live(heap[0])) pop();
    const next = heap[0]?.at ?? Number.POSITIVE_INFINITY;
    if (next === timerAt) return;
    if (timer) clearTimeout(timer);
    timer = null;
    timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    timer = setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, next - clock())));
  }

  function fire() {
    timer = null;
    timerAt = Number.POSITIVE_INFINITY;
    const now = clock();
    const due: string[] = [];
    while (heap.length > 0 && heap[0].at <= now) {
      const e = pop()!;
      if (!live(e)) continue;
      current.delete(e.key);
      due.push(e.key);
    }
    schedule();
    if (due.length > 0) onDue(due);
  }

  return {
    arm(key, at) {
      if (current.get(key) === at) return;
      current.set(key, at);
      push({ key, at });
      schedule();
    },
    disarm(key) {
      current.delete(key);
      schedule();
    },
    has: (key) => current.has(key),
    at: (key) => current.get(key),
    get size() {
      return current.size;
    },
    clear() {
      current.clear();
      heap.length = 0;
      if (timer) clearTimeout(timer);
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
    },
  };
}
