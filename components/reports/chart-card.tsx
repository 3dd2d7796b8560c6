"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { csvRow } from "@/lib/audit/csv";

export type Column = { key: string; label: string };
type Row = Record<string, string | number | null>;

// Colour-blind-safe palette (Okabe–Ito); every series is also named in the legend and the table.
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"];

/**
 * One dashboard chart: recharts for the eye, the same numbers as a table for screen readers and
 * keyboards, a CSV download, and an empty state. `series` are the columns drawn; `x` labels the axis.
 */
export function ChartCard({
  id,
  title,
  description,
  kind,
  x,
  series,
  columns,
  rows,
  empty,
}: {
  id: string;
  title: string;
  description?: string;
  kind: "line" | "bar" | "stacked" | "hbar";
  x: string;
  series: Column[];
  columns: Column[];
  rows: Row[];
  empty: string;
}) {
  const hasData = rows.some((r) => series.some((s) => Number(r[s.key] ?? 0) !== 0));
  const csv =
    csvRow(columns.map((c) => c.label)) + rows.map((r) => csvRow(columns.map((c) => r[c.key]))).join("");
  return (
    <TitledCard
      id={id}
      title={title}
      description={description}
      actions={
        hasData ? (
          <a
            href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`}
            download={`${id}.csv`}
            className="text-sm font-semibold text-primary underline underline-offset-4"
          >
            Download CSV<span className="sr-only"> of {title}</span>
          </a>
        ) : null
      }
    >
      <div data-testid={`chart-${id}`}>
        {hasData ? (
          <>
            <div
              role="img"
              aria-label={`${title} chart; the same data is in the table below`}
              className="h-64 w-full"
            >
              <ResponsiveContainer width="100%" height="100%">
                {kind === "line" ? (
                  <LineChart data={rows}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey={x} fontSize={12} />
                    <YAxis fontSize={12} allowDecimals />
                    <Tooltip />
                    <Legend />
                    {series.map((s, i) => (
                      <Line
                        key={s.key}
                        type="monotone"
                        dataKey={s.key}
                        name={s.label}
                        stroke={COLOURS[i % COLOURS.length]}
                        dot={false}
                        isAnimationActive={false}
                      />
                    ))}
                  </LineChart>
                ) : (
                  <BarChart data={rows} layout={kind === "hbar" ? "vertical" : "horizontal"}>
                    <CartesianGrid strokeDasharray="3 3" />
                    {kind === "hbar" ? (
                      <>
                        <XAxis type="number" fontSize={12} />
                        <YAxis type="category" dataKey={x} width={180} fontSize={11} />
                      </>
                    ) : (
                      <>
                        <XAxis dataKey={x} fontSize={12} />
                        <YAxis fontSize={12} />
                      </>
                    )}
                    <Tooltip />
                    <Legend />
                    {series.map((s, i) => (
                      <Bar
                        key={s.key}
                        dataKey={s.key}
                        name={s.label}
                        stackId={kind === "stacked" ? "a" : undefined}
                        fill={COLOURS[i % COLOURS.length]}
                        isAnimationActive={false}
                      />
                    ))}
                  </BarChart>
                )}
              </ResponsiveContainer>
            </div>
            <details className="mt-3">
              <summary className="cursor-pointer text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring">
                Show as a table
              </summary>
              <Table aria-label={title} className="mt-2">
                <THead>
                  <TR>
                    {columns.map((c) => (
                      <TH key={c.key}>{c.label}</TH>
                    ))}
                  </TR>
                </THead>
                <TBody>
                  {rows.map((r, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows are a fixed server-made list
                    <TR key={i}>
                      {columns.map((c) => (
                        <TD key={c.key} className="tabular-nums">
                          {r[c.key] ?? "—"}
                        </TD>
                      ))}
                    </TR>
                  ))}
                </TBody>
              </Table>
            </details>
          </>
        ) : (
          <EmptyState title={empty} description="Widen the period or clear a filter." />
        )}
      </div>
    </TitledCard>
  );
}
