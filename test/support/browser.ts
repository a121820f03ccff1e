import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT } from "../../scripts/paths";

/** Debian's Chromium, which .ci/run installs; the browser tests skip, saying so, without it. */
export const CHROMIUM = "/usr/bin/chromium";
/** Flags for a closed network: without the background-networking ones Chromium keeps trying Google's hosts. */
export const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Screenshots land here (git-ignored), to be looked at. */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, "test-output");

/** What one page load saw besides the page: console errors, uncaught errors, requests. */
export interface OpenedPage {
  page: Page;
  problems: string[];
  requests: string[];
}

/** Opens a page from disk at a viewport size, recording its console errors, page errors and requests. */
export async function openPage(browser: Browser, file: string, viewport: { width: number; height: number }, hash = ""): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(`${pathToFileURL(file).href}${hash}`);
  return { page, problems, requests };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}
