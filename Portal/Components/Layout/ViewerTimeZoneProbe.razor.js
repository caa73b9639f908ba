// The browser's time zone (an IANA id such as "America/New_York"), for the times shown on the pages.
export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
}
