// Show an intake's deadline in the visitor's own time zone as well as the intake's.
// The server cannot know the visitor's zone; the browser does.
document.querySelectorAll("[data-local-time]").forEach(function (holder) {
  var moment = new Date(holder.getAttribute("data-local-time"));
  if (isNaN(moment)) return;
  var lang = document.documentElement.lang || undefined;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // dateStyle/timeStyle cannot be combined with timeZoneName: name the parts instead.
  var text = new Intl.DateTimeFormat(lang, {
    year: "numeric", month: "long", day: "numeric",
    hour: "numeric", minute: "2-digit", timeZoneName: "short"
  }).format(moment);
  var time = holder.querySelector("time");
  time.setAttribute("datetime", moment.toISOString());
  time.textContent = text;
  time.title = zone;
  holder.hidden = false;
});
