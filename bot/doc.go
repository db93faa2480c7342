// Package bot connects klimabot to Slack: it checks that requests really
// come from Slack (Verifier), renders a commands.Reply as Block Kit within
// Slack's limits (Blocks, MessageBlocks, AnnouncementBlocks, and the
// notification texts FallbackText, MessageText, AnnouncementText),
// and ships the app manifests that create the Slack app in one step
// (manifest.socket.yaml without a public URL, manifest.http.yaml with one).
//
// A Bot (New, Start) answers Slack over HTTP (Handler: /slack/commands,
// /slack/events, /slack/interactivity, /healthz, /metrics) or Socket Mode
// (RunSocketMode) with the same handlers: slash commands, mentions, thread
// replies that become progress entries, the App Home, buttons (HandleAction)
// and the "log as progress" message shortcut. It posts through one Web API
// client with retries (PostMessage).
//
// How it answers:
//   - Slack waits 3 seconds. A slash command's work gets Config.Budget
//     (2.5 s); done in time, the answer rides in the acknowledgement (HTTP
//     body or Socket Mode ack payload); else the acknowledgement is empty and
//     the answer goes to response_url when ready. Announcements of log and
//     done are posted after the acknowledgement and recorded, so replies in
//     their thread find the measure. Events and button clicks are
//     acknowledged at once and handled afterwards, on the bot's own context.
//   - A mention ("@klimabot status F.019", also in threads, where Slack
//     refuses slash commands) is answered with chat.postEphemeral in the
//     mention's thread: visible to the caller only, like a slash command's
//     answer.
//   - The caller's Slack locale comes from users.info (include_locale),
//     cached in the store for a day; the call gets one second, after which
//     the language rules go on without it.
//   - Slack's 429 (Retry-After) and 5xx answers are retried a few times with
//     capped backoff; a retried 5xx may post a message twice.
//
// Like every adapter it imports the core (commands, locales); the core never
// imports Slack.
package bot
