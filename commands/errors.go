package commands

import (
	"errors"
	"fmt"
)

// Error codes, mapped by each adapter (console text, Slack answer, HTTP status).
const (
	EINVALID   = "invalid"   // the input is wrong; the message says how to write it
	ENOTFOUND  = "not_found" // a code, step or deadline does not exist
	EFORBIDDEN = "forbidden" // the caller may not do this here
	ECONFLICT  = "conflict"  // the store's state does not allow it
	EINTERNAL  = "internal"  // anything else: logged, shown as one generic line
)

// Error is klimabot's application error. Msg is what the user sees, as a
// message id plus data, localized by whoever renders it; Op and Err are for
// logs.
type Error struct {
	Code string
	Msg  Text
	// Hint is an optional second line: the usage, the accepted forms, the
	// closest codes.
	Hint *Text
	Err  error // underlying cause, if any
}

// Error implements error for logs; users see Msg localized.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Msg.ID
	if e.Msg.ID == "" {
		s = e.Code + ": " + e.Msg.Raw
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and message.
func Errorf(code, msgID string, data Data) *Error {
	return &Error{Code: code, Msg: Msg(msgID, data)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// NotFound returns an ENOTFOUND error with a message.
func NotFound(msgID string, data Data) *Error { return Errorf(ENOTFOUND, msgID, data) }

// Invalid returns an EINVALID error with a message.
func Invalid(msgID string, data Data) *Error { return Errorf(EINVALID, msgID, data) }

// Internal wraps err as an EINTERNAL error with the step that failed.
func Internal(op string, err error) *Error {
	return &Error{Code: EINTERNAL, Msg: Msg("error.internal", nil), Err: fmt.Errorf("%s: %w", op, err)}
}
