package commands

import "errors"

// ErrNotStored is wrapped by store errors that mean nothing could be
// written: the database file was deleted or replaced while the bot runs, the
// disk is full, the file or file system is read-only. The person is told
// that what they sent was not stored (error.not_stored), instead of the
// generic "something went wrong".
var ErrNotStored = errors.New("not stored: the database cannot take writes")

// NotStored reports whether err means that the store could not write.
func NotStored(err error) bool { return errors.Is(err, ErrNotStored) }
