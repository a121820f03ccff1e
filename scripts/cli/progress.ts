import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { LoadProgress } from "../loader/duckdb-loader";

/**
 * A progress bar for loads on a terminal: bytes read with the rate while a file is checked, then the
 * landing. Off a terminal (CI logs, pipes) it draws nothing; the loader's result lines still print.
 */
export function loadProgressBar(stream: NodeJS.WriteStream = process.stderr): { onProgress: (progress: LoadProgress) => void; stop: () => void } {
  if (!stream.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  let current: { bars: MultiBar; bar: SingleBar; started: number } | undefined;
  const start = (total: number) => {
    const bars = new MultiBar(
      { stream, format: " {phase} |{bar}| {percentage}% {detail}", hideCursor: true, clearOnComplete: true, stopOnComplete: false },
      Presets.shades_classic
    );
    current = { bars, bar: bars.create(total, 0, { phase: "reading", detail: "" }), started: Date.now() };
    return current;
  };
  // Cleared when its file is done, so the file's result line prints on a clean terminal.
  const stop = () => {
    current?.bars.stop();
    current = undefined;
  };
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  return {
    onProgress: (progress) => {
      if (progress.phase === "done") return stop();
      const { bar, started } = current ?? start(progress.phase === "reading" ? progress.bytesTotal : 100);
      if (progress.phase === "reading") {
        const seconds = Math.max((Date.now() - started) / 1000, 0.001);
        bar.setTotal(progress.bytesTotal);
        bar.update(progress.bytesDone, {
          phase: "reading",
          detail: `${mib(progress.bytesDone)}/${mib(progress.bytesTotal)} MiB, ${mib(progress.bytesDone / seconds)} MiB/s  ${progress.file}`,
        });
      } else {
        bar.setTotal(100);
        bar.update(progress.percent, { phase: "landing", detail: progress.file });
      }
    },
    stop,
  };
}
