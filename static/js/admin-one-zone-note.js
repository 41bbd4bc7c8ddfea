// The page says once, at the top, which time zone its times are in. Django's admin would add
// "You are N hours behind server time" under every date and time field: not repeated here.
if (window.DateTimeShortcuts) {
  window.DateTimeShortcuts.addTimezoneWarning = function () {};
}
