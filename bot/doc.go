// Package bot connects klimabot to Slack: it checks that requests really
// come from Slack (Verifier), renders a commands.Reply as Block Kit within
// Slack's limits (Blocks, MessageBlocks, AnnouncementBlocks, and the
// notification texts FallbackText, MessageText, AnnouncementText),
// and ships the app manifests that create the Slack app in one step
// (manifest.socket.yaml without a public URL, manifest.http.yaml with one).
//
// The HTTP endpoints (/slack/commands, /slack/events, /slack/interactivity),
// Socket Mode, the poster and the reminder scheduler will follow in this
// package. Like every adapter it imports the core (commands, locales); the
// core never imports Slack.
package bot
