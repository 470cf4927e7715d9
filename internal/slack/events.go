package slack

import (
	"encoding/json"
	"errors"
	"fmt"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Event is one thing Slack sent for the bot to act on: a *Command,
// *Mention, *Message, *HomeOpened, *Submission or *BlockActions. Fields
// hold Slack's values as sent: untrusted, unvalidated user input.
type Event interface {
	// Kind names the event for logs and metrics: "command",
	// "event:app_mention", "view_submission", …
	Kind() string
}

// Command is a slash command.
type Command struct {
	UserID, ChannelID, Text string
	// TriggerID opens a modal within 3 s; ResponseURL answers the command
	// for 30 minutes, 5 times.
	TriggerID, ResponseURL string
}

// Mention is an app_mention: someone wrote @bot in a channel.
type Mention struct {
	EventID, UserID, BotID, ChannelID, Text string
	// TS is the message's own; ThreadTS the thread it is in, if any.
	TS, ThreadTS string
	// Edited is set when Slack sends the mention again because its
	// message was edited.
	Edited bool
}

// Message is a message event: in the bot's DMs, or in a channel it is in
// (message.channels, message.groups).
type Message struct {
	EventID, UserID, BotID, ChannelID, Text string
	ChannelType                             string // "im" for a DM, "channel" or "group" for a channel
	SubType                                 string // "" for a plain message from a person
	TS, ThreadTS                            string
	// DeletedTS is the message deleted, for SubType "message_deleted".
	DeletedTS string
}

// HomeOpened is app_home_opened.
type HomeOpened struct {
	EventID, UserID, Tab string
}

// Submission is a modal's view_submission.
type Submission struct {
	UserID, CallbackID, PrivateMetadata string
	inputs                              map[string]map[string]input
}

type input struct {
	value    string
	selected []string
}

// Value is what the input with these block and action ids holds: its text,
// or the value of its selected option.
func (s *Submission) Value(blockID, actionID string) string {
	in := s.inputs[blockID][actionID]
	if in.value == "" && len(in.selected) == 1 {
		return in.selected[0]
	}
	return in.value
}

// Selected lists the values of the options ticked in a checkbox input.
func (s *Submission) Selected(blockID, actionID string) []string {
	return s.inputs[blockID][actionID].selected
}

// BlockActions is a press of one or more buttons (or other elements) in a
// message, a modal or the Home tab.
type BlockActions struct {
	UserID, ChannelID string
	// MessageTS is the message the buttons are in ("" on the Home tab or
	// in a modal).
	MessageTS string
	// TriggerID opens a modal within 3 s; ResponseURL, set for messages,
	// answers in the message's channel.
	TriggerID, ResponseURL string
	Actions                []Action
}

// Shortcut is a global shortcut, chosen from Slack's shortcut menu.
type Shortcut struct {
	UserID, CallbackID string
	TriggerID          string // opens a modal within 3 s
}

// MessageShortcut is a message shortcut, chosen on one message.
type MessageShortcut struct {
	UserID, CallbackID, TriggerID string
	// ResponseURL answers privately in the message's channel.
	ResponseURL string
	// The message: its channel, ts, thread (if a reply), text, and
	// whether it carries files.
	ChannelID, MessageTS, ThreadTS, Text string
	HasFiles                             bool
}

// AssistantThread is assistant_thread_started: a user opened a thread
// with the bot in Slack's assistant panel.
type AssistantThread struct {
	EventID, UserID, ChannelID, ThreadTS string
}

// FunctionExecuted is function_executed: a Workflow Builder step of the
// app ran. Its token, valid for this run only, is kept unexported: it is
// used through Client.CompleteFunction and never logged.
type FunctionExecuted struct {
	EventID, CallbackID, ExecutionID string
	// Inputs are the step's inputs; a value that is not a string is
	// dropped (the step's inputs are all strings).
	Inputs map[string]string
	token  string
}

// Action is one element's action.
type Action struct {
	ActionID, BlockID, Value string
}

// Kind names each event for logs and metrics.
func (*Command) Kind() string      { return "command" }
func (*Mention) Kind() string      { return "event:app_mention" }
func (*Message) Kind() string      { return "event:message" }
func (*HomeOpened) Kind() string   { return "event:app_home_opened" }
func (*Submission) Kind() string   { return "view_submission" }
func (*BlockActions) Kind() string { return "action" }

func (*Shortcut) Kind() string         { return "shortcut" }
func (*MessageShortcut) Kind() string  { return "message_shortcut" }
func (*AssistantThread) Kind() string  { return "event:assistant_thread_started" }
func (*FunctionExecuted) Kind() string { return "event:function_executed" }

// errIgnored marks a well-formed payload the bot has no use for (another
// event type, an interaction it does not handle): acked, not delivered.
var errIgnored = errors.New("not an event the bot handles")

// decodeCommand reads a slash_commands payload.
func decodeCommand(payload json.RawMessage) (Event, error) {
	var c slackgo.SlashCommand
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("slash command: %w", err)
	}
	return &Command{UserID: c.UserID, ChannelID: c.ChannelID, Text: c.Text, TriggerID: c.TriggerID, ResponseURL: c.ResponseURL}, nil
}

// interaction is what the bot reads of an interactive payload. slack-go's
// InteractionCallback decodes everything, the blocks of the whole modal
// or message included, which the bot never reads: that was a fifth of the
// bot's CPU under load (BenchmarkDecodeInteraction, docs/performance.md).
type interaction struct {
	Type        string `json:"type"`
	CallbackID  string `json:"callback_id"` // shortcuts
	TriggerID   string `json:"trigger_id"`
	ResponseURL string `json:"response_url"`
	Message     struct {
		TS       string            `json:"ts"`
		ThreadTS string            `json:"thread_ts"`
		Text     string            `json:"text"`
		Files    []json.RawMessage `json:"files"`
	} `json:"message"` // message shortcuts
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Container struct {
		MessageTS string `json:"message_ts"`
	} `json:"container"`
	View struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		State           struct {
			Values map[string]map[string]struct {
				Value          string `json:"value"`
				SelectedOption struct {
					Value string `json:"value"`
				} `json:"selected_option"`
				SelectedOptions []struct {
					Value string `json:"value"`
				} `json:"selected_options"`
			} `json:"values"`
		} `json:"state"`
	} `json:"view"`
	Actions []struct {
		ActionID string `json:"action_id"`
		BlockID  string `json:"block_id"`
		Value    string `json:"value"`
	} `json:"actions"`
}

// decodeInteraction reads an interactive payload.
func decodeInteraction(payload json.RawMessage) (Event, error) {
	var in interaction
	if err := json.Unmarshal(payload, &in); err != nil {
		return nil, fmt.Errorf("interaction: %w", err)
	}
	switch in.Type {
	case "view_submission":
		s := &Submission{UserID: in.User.ID, CallbackID: in.View.CallbackID, PrivateMetadata: in.View.PrivateMetadata,
			inputs: make(map[string]map[string]input, len(in.View.State.Values))}
		for blockID, actions := range in.View.State.Values {
			s.inputs[blockID] = make(map[string]input, len(actions))
			for actionID, a := range actions {
				v := input{value: a.Value}
				if a.SelectedOption.Value != "" {
					v.selected = []string{a.SelectedOption.Value}
				}
				for _, o := range a.SelectedOptions {
					v.selected = append(v.selected, o.Value)
				}
				s.inputs[blockID][actionID] = v
			}
		}
		return s, nil
	case "shortcut":
		return &Shortcut{UserID: in.User.ID, CallbackID: in.CallbackID, TriggerID: in.TriggerID}, nil
	case "message_action":
		return &MessageShortcut{UserID: in.User.ID, CallbackID: in.CallbackID, TriggerID: in.TriggerID,
			ResponseURL: in.ResponseURL, ChannelID: in.Channel.ID, MessageTS: in.Message.TS, ThreadTS: in.Message.ThreadTS,
			Text: in.Message.Text, HasFiles: len(in.Message.Files) > 0}, nil
	case "block_actions":
		ba := &BlockActions{UserID: in.User.ID, ChannelID: in.Channel.ID, MessageTS: in.Container.MessageTS,
			TriggerID: in.TriggerID, ResponseURL: in.ResponseURL}
		for _, a := range in.Actions {
			ba.Actions = append(ba.Actions, Action{ActionID: a.ActionID, BlockID: a.BlockID, Value: a.Value})
		}
		return ba, nil
	}
	return nil, errIgnored
}

// decodeEventsAPI reads an events_api payload.
func decodeEventsAPI(payload json.RawMessage) (Event, error) {
	outer, err := slackevents.ParseEvent(payload, slackevents.OptionNoVerifyToken())
	if err != nil {
		return nil, fmt.Errorf("events api: %w", err)
	}
	cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent)
	if outer.Type != slackevents.CallbackEvent || !ok {
		return nil, errIgnored
	}
	switch ev := outer.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		return &Mention{EventID: cb.EventID, UserID: ev.User, BotID: ev.BotID, ChannelID: ev.Channel, Text: ev.Text,
			TS: ev.TimeStamp, ThreadTS: ev.ThreadTimeStamp, Edited: ev.Edited != nil}, nil
	case *slackevents.MessageEvent:
		return &Message{EventID: cb.EventID, UserID: ev.User, BotID: ev.BotID, ChannelID: ev.Channel, Text: ev.Text,
			ChannelType: ev.ChannelType, SubType: ev.SubType, TS: ev.TimeStamp, ThreadTS: ev.ThreadTimeStamp,
			DeletedTS: ev.DeletedTimeStamp}, nil
	case *slackevents.AppHomeOpenedEvent:
		return &HomeOpened{EventID: cb.EventID, UserID: ev.User, Tab: ev.Tab}, nil
	case *slackevents.AssistantThreadStartedEvent:
		t := ev.AssistantThread
		return &AssistantThread{EventID: cb.EventID, UserID: t.UserID, ChannelID: t.ChannelID, ThreadTS: t.ThreadTimeStamp}, nil
	case *slackevents.FunctionExecutedEvent:
		fe := &FunctionExecuted{EventID: cb.EventID, CallbackID: ev.Function.CallbackID, ExecutionID: ev.FunctionExecutionID,
			Inputs: make(map[string]string, len(ev.Inputs)), token: ev.BotAccessToken}
		for k, v := range ev.Inputs {
			if s, ok := v.(string); ok {
				fe.Inputs[k] = s
			}
		}
		return fe, nil
	}
	return nil, errIgnored
}
