// Package commands is klimabot's core: the domain (measures, steps, deadlines,
// progress entries, channels, users), the /klima command language (Parse and
// Execute) and the transport-free Reply that the console and Slack render.
//
// It imports neither Slack nor a SQL driver: storage implements Store, bot
// renders Reply to Block Kit, and cmd/klimabot wires them together.
package commands
