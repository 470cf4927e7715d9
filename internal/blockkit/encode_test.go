package blockkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/jsonenc"
	"github.com/slack-go/slack"
)

// hostileTexts exercise every escape encoding/json makes: quotes,
// backslashes, control characters, HTML-sensitive characters, U+2028 and
// U+2029, invalid and truncated UTF-8, and long text that gets cut.
var hostileTexts = []string{
	"",
	`"quoted" and \back\slashed\\`,
	"<!channel> & <@U123> > <https://evil.example|click>",
	"&lt;already&gt; &amp; escaped",
	"tab\there\nnewline\rcr\bbs\fff\x00nul\x01\x1f\x7fdel",
	"line\u2028separator\u2029paragraph",
	"bad \xff\xfe utf-8 \xc3 and \xe2\x80 cut",
	"\xed\xa0\x80 surrogate, \xc0\xaf overlong",
	"emoji 👍🏽 and RTL \u202e reversed \u200b zero-width",
	"naïve café – “quotes” …",
	strings.Repeat("long <text> & more ", 400),
}

// sameJSON fails the test unless appendJSON appends exactly what
// json.Marshal writes for v, or fails when json.Marshal fails and leaves
// dst as it was. It reports whether v encoded.
func sameJSON[V any](t *testing.T, name string, v V, appendJSON func([]byte, V) ([]byte, error)) bool {
	t.Helper()
	want, wantErr := json.Marshal(v)
	prefix := []byte("prefix:")
	got, err := appendJSON(bytes.Clone(prefix), v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s: error %v, json.Marshal error %v", name, err, wantErr)
	}
	if err != nil {
		if !bytes.Equal(got, prefix) {
			t.Errorf("%s: on error dst = %q, want it unchanged", name, got)
		}
		return false
	}
	if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("%s: differs from json.Marshal\n got: %s\nwant: %s", name, got, want)
	}
	return true
}

// sameAsMarshal fails the test unless the fast encoder writes exactly what
// encoding/json writes for what the bot sends of m: its blocks and its text.
func sameAsMarshal(t *testing.T, name string, m Message) {
	t.Helper()
	if !sameJSON(t, name+" blocks", m.Blocks, AppendBlocksJSON) {
		return
	}
	sameJSON(t, name+" text", m.Text, func(dst []byte, s string) ([]byte, error) {
		return jsonenc.AppendString(dst, s), nil
	})
}

// TestAppendJSONEveryMessage covers every message, modal and view
// blockkit builds: all 486 answer sets, shared or not, with and without
// context; an answer to every knowledge-base entry; the no-answer reply;
// help, notes, feedback, the Home tab and the modal.
func TestAppendJSONEveryMessage(t *testing.T) {
	t.Parallel()
	for i, a := range advisor.AllAnswers() {
		for _, months := range []int{1, advisor.DefaultMonths, 60} {
			rec, err := advisor.Recommend(a, months)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("answers %d, %d months", i, months)
			sameAsMarshal(t, name, Recommendation(RecommendationReply{Rec: rec, Answers: a, ShareValue: "v1.abc"}))
			sameAsMarshal(t, name+" shared", Recommendation(RecommendationReply{Rec: rec, Answers: a, SharedBy: "U123ABC",
				Context: hostileTexts[i%len(hostileTexts)]}))
		}
	}

	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		t.Fatal(err)
	}
	entries := kb.Entries()
	for i, e := range entries {
		var related []*faq.Entry
		for _, id := range e.Related {
			if r, ok := kb.Entry(id); ok {
				related = append(related, r)
			}
		}
		q := hostileTexts[i%len(hostileTexts)]
		sameAsMarshal(t, "faq "+e.ID, FAQAnswer(FAQReply{Question: q, Echo: true,
			Result: faq.Result{Match: &faq.Hit{Entry: e, Score: 0.8}}, Related: related}))
		sameAsMarshal(t, "faq alternatives "+e.ID, FAQAnswer(FAQReply{Question: q,
			Result: faq.Result{Match: &faq.Hit{Entry: e, Score: 0.8}, Alternatives: []faq.Hit{{Entry: entries[(i+1)%len(entries)]}}}}))
		sameAsMarshal(t, "faq none "+e.ID, FAQAnswer(FAQReply{Question: q, Echo: true,
			Result: faq.Result{Alternatives: []faq.Hit{{Entry: e}, {Entry: entries[(i+1)%len(entries)]}}}}))
	}
	sameAsMarshal(t, "faq none", FAQAnswer(FAQReply{}))

	sameAsMarshal(t, "help", Help())
	sameAsMarshal(t, "start prompt", StartPrompt())
	sameAsMarshal(t, "thanks", FeedbackThanks(true))
	sameAsMarshal(t, "sorry", FeedbackThanks(false))
	for _, h := range hostileTexts {
		sameAsMarshal(t, "note", Note("id "+h, h))
	}
	sameAsMarshal(t, "home", Message{Blocks: HomeTab(entries).Blocks.BlockSet})
	sameAsMarshal(t, "modal", Message{Blocks: AssessmentModal(`{"a":"<&>"}`).Blocks.BlockSet})
	sameJSON(t, "home view", HomeTab(entries), AppendHomeTabJSON)
	sameJSON(t, "no topics", HomeTab(nil), AppendHomeTabJSON)
	sameJSON(t, "too many topics", HomeTab(slices.Repeat(entries, MaxViewBlocks/len(entries)+1)), AppendHomeTabJSON)
	sameJSON(t, "modal view", AssessmentModal(`{"a":"<&>"}`), AppendModalJSON)
}

// TestAppendJSONHostile puts hostile text in every place a recommendation
// and an FAQ answer show text.
func TestAppendJSONHostile(t *testing.T) {
	t.Parallel()
	for _, h := range hostileTexts {
		rec := sampleRecommendation(t, answersCTOThenCAIO, 12)
		rec.Summary = h
		rec.Reasons = append(rec.Reasons, advisor.Reason{Field: advisor.Field(h), Value: h, Text: h})
		rec.Risks = append(rec.Risks, h)
		rec.NextSteps = append(rec.NextSteps, h)
		rec.BudgetNote = h
		rec.Role = advisor.Role(h)
		sameAsMarshal(t, fmt.Sprintf("recommendation %q", h), Recommendation(RecommendationReply{Rec: rec, Answers: answersCTOThenCAIO,
			Context: h, ShareValue: h, SharedBy: h}))
		e := &faq.Entry{ID: h, Question: h, Answer: h}
		sameAsMarshal(t, fmt.Sprintf("faq %q", h), FAQAnswer(FAQReply{Question: h, Echo: true,
			Result: faq.Result{Match: &faq.Hit{Entry: e}}, Related: []*faq.Entry{e, e, e, e}}))
		sameAsMarshal(t, fmt.Sprintf("home %q", h), Message{Text: h, Blocks: HomeTab([]*faq.Entry{e}).Blocks.BlockSet})
		sameJSON(t, fmt.Sprintf("home view %q", h), HomeTab([]*faq.Entry{e, e}), AppendHomeTabJSON)
		sameJSON(t, fmt.Sprintf("modal view %q", h), AssessmentModal(h), AppendModalJSON)
	}
}

// exoticFlags choose, for the exotic builders below, every optional field
// alone, all but one, and each value of the multi-bit choices.
func exoticFlags() []uint16 {
	flags := []uint16{0, 0xffff}
	for bit := range 16 {
		flags = append(flags, 1<<bit, ^uint16(1<<bit))
	}
	for v := range uint16(4) {
		flags = append(flags, v<<3, v<<3|0x7, v<<5, v<<5|0x1ff, v<<11, v<<11|0x7ff, v<<13, v<<13|0x1fff)
	}
	return flags
}

// TestAppendJSONOtherBlocks covers what blockkit does not build today:
// fields it leaves empty, nil pointers, value blocks, other block and
// element types (handed to json.Marshal), and a block that fails.
func TestAppendJSONOtherBlocks(t *testing.T) {
	t.Parallel()
	for _, h := range hostileTexts[:6] {
		for _, f := range exoticFlags() {
			sameAsMarshal(t, fmt.Sprintf("exotic %q %#x", h, f), Message{Text: h, Blocks: exoticBlocks(h, f)})
			sameAsMarshal(t, fmt.Sprintf("exotic inputs %q %#x", h, f), Message{Text: h, Blocks: exoticInputs(h, f)})
		}
	}
	sameAsMarshal(t, "nil blocks", Message{})
	sameAsMarshal(t, "no blocks", Message{Blocks: []slack.Block{}})
	sameAsMarshal(t, "empty accessory", Message{Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection,
		Accessory: &slack.Accessory{UnknownElement: &slack.UnknownBlockElement{}}}}})
	sameAsMarshal(t, "failing block", Message{Blocks: []slack.Block{section("a", "b"), slack.RawJSONBlock{}}})
	sameAsMarshal(t, "failing context element", Message{Blocks: []slack.Block{section("a", "b"), slack.NewContextBlock("c", badElement{})}})
	sameAsMarshal(t, "failing action element", Message{Blocks: []slack.Block{slack.NewActionBlock("c", button("a", "v", "t"), badElement{})}})
	sameAsMarshal(t, "failing input element", Message{Blocks: []slack.Block{section("a", "b"), slack.NewInputBlock("c", nil, nil, badElement{})}})
}

// TestAppendViewJSONOther covers views blockkit does not build: every
// field set and unset, no blocks, blocks of every kind, and a block that
// fails.
func TestAppendViewJSONOther(t *testing.T) {
	t.Parallel()
	for _, h := range hostileTexts[:6] {
		for _, f := range exoticFlags() {
			sameJSON(t, fmt.Sprintf("modal %q %#x", h, f), exoticModal(h, f), AppendModalJSON)
			sameJSON(t, fmt.Sprintf("home %q %#x", h, f), exoticHomeTab(h, f), AppendHomeTabJSON)
		}
	}
	failing := slack.Blocks{BlockSet: []slack.Block{section("a", "b"), slack.NewInputBlock("c", nil, nil, badElement{})}}
	sameJSON(t, "failing modal", slack.ModalViewRequest{Type: slack.VTModal, Blocks: failing, PrivateMetadata: "m"}, AppendModalJSON)
	sameJSON(t, "failing home", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: failing, CallbackID: "c"}, AppendHomeTabJSON)
}

// badElement fails to marshal. No slack-go element does, but the encoder
// must pass such an error on, as json.Marshal does.
type badElement struct{}

func (badElement) MixedElementType() slack.MixedElementType { return slack.MixedElementText }
func (badElement) ElementType() slack.MessageElementType    { return slack.METButton }
func (badElement) MarshalJSON() ([]byte, error)             { return nil, errors.New("bad element") }

// exotic puts s in every string of what it builds, and flags choose which
// optional fields are set.
type exotic struct {
	s     string
	flags uint16
}

func (x exotic) on(bit uint) bool { return x.flags&(1<<bit) != 0 }

// text is nil when bits bit and bit+1 are both set.
func (x exotic) text(typ string, bit uint) *slack.TextBlockObject {
	if x.on(bit) && x.on(bit+1) {
		return nil
	}
	t := slack.NewTextBlockObject(typ, x.s, x.on(bit), x.on(bit+1))
	if x.on(bit + 2) {
		t.Emoji = new(bool) // emoji: false
	}
	return t
}

// str is s, or empty when bit is set.
func (x exotic) str(bit uint) string {
	if x.on(bit) {
		return ""
	}
	return x.s
}

// exoticBlocks builds one of each message block blockkit encodes itself,
// with s in every string and flags choosing which optional fields are set,
// followed by blocks the encoder hands to json.Marshal.
func exoticBlocks(s string, flags uint16) []slack.Block {
	x := exotic{s, flags}
	on, txt := x.on, x.text
	btn := slack.NewButtonBlockElement(s, s, txt(slack.PlainTextType, 0))
	if on(3) {
		btn.Type = ""
		btn.URL = s
		btn.Style = slack.Style(s)
		btn.AccessibilityLabel, btn.AgentPrompt, btn.AgentPromptDisplay = s, s, s
		btn.VisibleToUserIDs = []string{s, "U1"}
		btn.Confirm = slack.NewConfirmationBlockObject(txt(slack.PlainTextType, 1), txt(slack.MarkdownType, 2), txt(slack.PlainTextType, 4), nil)
	}
	if on(4) {
		btn.VisibleToUserIDs = []string{}
	}
	var acc *slack.Accessory
	switch flags >> 5 & 3 {
	case 1:
		acc = slack.NewAccessory(btn)
	case 2:
		acc = slack.NewAccessory(slack.NewImageBlockElement(s, s))
		acc.ButtonElement = btn // the image wins
	case 3:
		acc = slack.NewAccessory(slack.NewOverflowBlockElement(s, slack.NewOptionBlockObject(s, txt(slack.PlainTextType, 0), nil)))
	}
	var fields []*slack.TextBlockObject
	if on(7) {
		fields = []*slack.TextBlockObject{txt(slack.MarkdownType, 1), nil, txt(slack.PlainTextType, 0)}
	} else if on(8) {
		fields = []*slack.TextBlockObject{}
	}
	sec := slack.NewSectionBlock(txt(slack.MarkdownType, 1), fields, acc, slack.SectionBlockOptionBlockID(s), slack.SectionBlockOptionExpand(on(9)))
	hdr := slack.NewHeaderBlock(txt(slack.PlainTextType, 2), slack.HeaderBlockOptionBlockID(s))
	if on(10) {
		hdr.Level = int(flags%5) - 1
		sec.Type = slack.MessageBlockType(s)
	}
	var ctxEls []slack.MixedElement
	if !on(11) {
		ctxEls = []slack.MixedElement{txt(slack.MarkdownType, 0), *slack.NewTextBlockObject(slack.PlainTextType, s, true, false),
			slack.NewImageBlockElement(s, s), (*slack.TextBlockObject)(nil)}
	} else if on(12) {
		ctxEls = []slack.MixedElement{}
	}
	ctx := &slack.ContextBlock{Type: slack.MBTContext, BlockID: s, ContextElements: slack.ContextElements{Elements: ctxEls}}
	act := slack.NewActionBlock(s, btn, (*slack.ButtonBlockElement)(nil), *btn, slack.NewDatePickerBlockElement(s), nil)
	blocks := []slack.Block{sec, hdr, ctx, act, slack.NewDividerBlock(), &slack.DividerBlock{Type: slack.MBTDivider, BlockID: s}}
	switch flags >> 13 & 3 {
	case 1:
		act.Elements = nil
	case 2:
		act.Elements.ElementSet = nil
	case 3:
		act.Elements.ElementSet = []slack.BlockElement{}
	}
	return append(blocks,
		*sec, *hdr, *ctx, *act, // values, not pointers
		(*slack.SectionBlock)(nil), (*slack.HeaderBlock)(nil), (*slack.ContextBlock)(nil), (*slack.ActionBlock)(nil), (*slack.DividerBlock)(nil), nil,
		slack.NewImageBlock(s, s, s, txt(slack.PlainTextType, 0)),
	)
}

// exoticInputs builds input blocks holding each element the encoder writes
// itself, with s in every string and flags choosing which optional fields
// are set, followed by elements and blocks it hands to json.Marshal.
func exoticInputs(s string, flags uint16) []slack.Block {
	x := exotic{s, flags}
	option := func(bit uint) *slack.OptionBlockObject {
		o := slack.NewOptionBlockObject(s, x.text(slack.PlainTextType, bit), nil)
		if x.on(10) {
			o.Description, o.URL = x.text(slack.MarkdownType, bit+1), s
		}
		return o
	}
	var opts []*slack.OptionBlockObject
	switch flags >> 3 & 3 {
	case 1:
		opts = []*slack.OptionBlockObject{}
	case 2:
		opts = []*slack.OptionBlockObject{option(0), nil, option(1)}
	case 3:
		opts = []*slack.OptionBlockObject{option(2)}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, x.text(slack.PlainTextType, 1), s, opts...)
	radio := slack.NewRadioButtonsBlockElement(s, opts...)
	input := slack.NewPlainTextInputBlockElement(x.text(slack.PlainTextType, 2), s)
	if x.on(5) { // everything else set
		n := int(flags%7) - 3
		confirm := slack.NewConfirmationBlockObject(x.text(slack.PlainTextType, 0), x.text(slack.MarkdownType, 1), x.text(slack.PlainTextType, 2), nil)
		sel.OptionGroups = []*slack.OptionGroupBlockObject{slack.NewOptionGroupBlockElement(x.text(slack.PlainTextType, 0), opts...), nil, {}}
		sel.InitialOption = option(1)
		sel.InitialUser, sel.InitialConversation, sel.InitialChannel = s, s, s
		sel.DefaultToCurrentConversation, sel.ResponseURLEnabled, sel.FocusOnLoad = true, true, true
		sel.Filter = &slack.SelectBlockElementFilter{Include: []string{s}, ExcludeBotUsers: true}
		sel.MinQueryLength, sel.Confirm = &n, confirm
		radio.InitialOption, radio.Confirm, radio.FocusOnLoad = option(0), confirm, true
		input.InitialValue, input.Multiline, input.MinLength, input.MaxLength, input.FocusOnLoad = s, true, n, n*1000, true
		input.DispatchActionConfig = &slack.DispatchActionConfig{TriggerActionsOn: []string{s}}
	}
	if x.on(6) {
		sel.Type, radio.Type, input.Type = "", slack.MessageElementType(s), slack.MessageElementType(s)
		sel.OptionGroups = []*slack.OptionGroupBlockObject{}
	}
	in := func(el slack.BlockElement) *slack.InputBlock {
		b := slack.NewInputBlock(x.str(9), x.text(slack.PlainTextType, 0), x.text(slack.MarkdownType, 1), el)
		b.Optional, b.DispatchAction = x.on(7), x.on(8)
		if x.on(11) {
			b.Type = slack.MessageBlockType(s)
		}
		return b
	}
	return []slack.Block{
		in(sel), in(radio), in(input), in(&slack.SelectBlockElement{}), in(&slack.RadioButtonsBlockElement{}),
		in(&slack.PlainTextInputBlockElement{}), in(button(s, s, s)),
		slack.NewActionBlock(s, sel, radio, input),
		// Handed to json.Marshal.
		in(nil), in((*slack.SelectBlockElement)(nil)), in((*slack.RadioButtonsBlockElement)(nil)),
		in((*slack.PlainTextInputBlockElement)(nil)), in(*sel), in(slack.NewDatePickerBlockElement(s)),
		*in(radio), (*slack.InputBlock)(nil),
	}
}

// exoticModal is a modal with s in every string, flags choosing which
// optional fields are set and which blocks it holds.
func exoticModal(s string, flags uint16) slack.ModalViewRequest {
	x := exotic{s, flags}
	return slack.ModalViewRequest{
		Type: slack.ViewType(s), Title: x.text(slack.PlainTextType, 0), Blocks: exoticViewBlocks(x),
		Close: x.text(slack.PlainTextType, 1), Submit: x.text(slack.PlainTextType, 2),
		PrivateMetadata: x.str(3), CallbackID: x.str(4), ClearOnClose: x.on(5), NotifyOnClose: x.on(6), ExternalID: x.str(7),
	}
}

// exoticHomeTab is a Home tab as exoticModal is a modal.
func exoticHomeTab(s string, flags uint16) slack.HomeTabViewRequest {
	x := exotic{s, flags}
	return slack.HomeTabViewRequest{Type: slack.ViewType(s), Blocks: exoticViewBlocks(x),
		PrivateMetadata: x.str(3), CallbackID: x.str(4), ExternalID: x.str(7)}
}

func exoticViewBlocks(x exotic) slack.Blocks {
	switch x.flags >> 11 & 3 {
	case 1:
		return slack.Blocks{}
	case 2:
		return slack.Blocks{BlockSet: []slack.Block{}}
	case 3:
		return AssessmentModal(x.s).Blocks
	}
	return slack.Blocks{BlockSet: append(exoticBlocks(x.s, x.flags), exoticInputs(x.s, x.flags)...)}
}

// FuzzAppendBlocksJSON compares the encoder with json.Marshal on blocks and
// views carrying arbitrary text in every string field.
func FuzzAppendBlocksJSON(f *testing.F) {
	for i, h := range hostileTexts {
		// Long seeds make the fuzzer spend its time minimising them.
		f.Add(h[:min(len(h), 64)], uint16(i*4099))
	}
	f.Fuzz(func(t *testing.T, s string, flags uint16) {
		sameAsMarshal(t, fmt.Sprintf("%q %#x", s, flags), Message{Text: s, Blocks: exoticBlocks(s, flags)})
		sameAsMarshal(t, fmt.Sprintf("inputs %q %#x", s, flags), Message{Text: s, Blocks: exoticInputs(s, flags)})
		sameJSON(t, fmt.Sprintf("modal %q %#x", s, flags), exoticModal(s, flags), AppendModalJSON)
		sameJSON(t, fmt.Sprintf("home %q %#x", s, flags), exoticHomeTab(s, flags), AppendHomeTabJSON)
		sameAsMarshal(t, fmt.Sprintf("note %q", s), Note(s, s))
		e := &faq.Entry{ID: s, Question: s, Answer: s}
		sameAsMarshal(t, fmt.Sprintf("faq %q", s), FAQAnswer(FAQReply{Question: s, Echo: true,
			Result: faq.Result{Match: &faq.Hit{Entry: e}}, Related: []*faq.Entry{e}}))
		sameJSON(t, fmt.Sprintf("assessment %q", s), AssessmentModal(s), AppendModalJSON)
		sameJSON(t, fmt.Sprintf("home tab %q", s), HomeTab([]*faq.Entry{e}), AppendHomeTabJSON)
	})
}

// TestEncoderKnowsEveryField fails when a slack-go upgrade adds, renames or
// re-tags a field of a type the encoder writes itself, or gives one a
// MarshalJSON of its own: the encoder would then silently differ.
func TestEncoderKnowsEveryField(t *testing.T) {
	t.Parallel()
	known := map[reflect.Type]string{
		reflect.TypeFor[slack.SectionBlock]():       "Type:type Text:text,omitempty BlockID:block_id,omitempty Fields:fields,omitempty Accessory:accessory,omitempty Expand:expand,omitempty",
		reflect.TypeFor[slack.HeaderBlock]():        "Type:type Text:text,omitempty BlockID:block_id,omitempty Level:level,omitempty",
		reflect.TypeFor[slack.ContextBlock]():       "Type:type BlockID:block_id,omitempty ContextElements:elements",
		reflect.TypeFor[slack.ActionBlock]():        "Type:type BlockID:block_id,omitempty Elements:elements",
		reflect.TypeFor[slack.DividerBlock]():       "Type:type BlockID:block_id,omitempty",
		reflect.TypeFor[slack.TextBlockObject]():    "Type:type Text:text Emoji:emoji,omitempty Verbatim:verbatim,omitempty",
		reflect.TypeFor[slack.ContextElements]():    "Elements:",
		reflect.TypeFor[slack.BlockElements]():      "ElementSet:elements,omitempty",
		reflect.TypeFor[slack.ButtonBlockElement](): "Type:type,omitempty Text:text ActionID:action_id,omitempty URL:url,omitempty Value:value,omitempty Confirm:confirm,omitempty Style:style,omitempty AccessibilityLabel:accessibility_label,omitempty AgentPrompt:agent_prompt,omitempty AgentPromptDisplay:agent_prompt_display,omitempty VisibleToUserIDs:visible_to_user_ids,omitempty",

		reflect.TypeFor[slack.InputBlock]():                 "Type:type BlockID:block_id,omitempty Label:label Element:element Hint:hint,omitempty Optional:optional,omitempty DispatchAction:dispatch_action,omitempty",
		reflect.TypeFor[slack.SelectBlockElement]():         "Type:type,omitempty Placeholder:placeholder,omitempty ActionID:action_id,omitempty Options:options,omitempty OptionGroups:option_groups,omitempty InitialOption:initial_option,omitempty InitialUser:initial_user,omitempty InitialConversation:initial_conversation,omitempty InitialChannel:initial_channel,omitempty DefaultToCurrentConversation:default_to_current_conversation,omitempty ResponseURLEnabled:response_url_enabled,omitempty Filter:filter,omitempty MinQueryLength:min_query_length,omitempty Confirm:confirm,omitempty FocusOnLoad:focus_on_load,omitempty",
		reflect.TypeFor[slack.RadioButtonsBlockElement]():   "Type:type ActionID:action_id,omitempty Options:options InitialOption:initial_option,omitempty Confirm:confirm,omitempty FocusOnLoad:focus_on_load,omitempty",
		reflect.TypeFor[slack.PlainTextInputBlockElement](): "Type:type ActionID:action_id,omitempty Placeholder:placeholder,omitempty InitialValue:initial_value,omitempty Multiline:multiline,omitempty MinLength:min_length,omitempty MaxLength:max_length,omitempty DispatchActionConfig:dispatch_action_config,omitempty FocusOnLoad:focus_on_load,omitempty",
		reflect.TypeFor[slack.OptionBlockObject]():          "Text:text Value:value Description:description,omitempty URL:url,omitempty",
		reflect.TypeFor[slack.OptionGroupBlockObject]():     "Label:label,omitempty Options:options",
		reflect.TypeFor[slack.ModalViewRequest]():           "Type:type Title:title,omitempty Blocks:blocks Close:close,omitempty Submit:submit,omitempty PrivateMetadata:private_metadata,omitempty CallbackID:callback_id,omitempty ClearOnClose:clear_on_close,omitempty NotifyOnClose:notify_on_close,omitempty ExternalID:external_id,omitempty",
		reflect.TypeFor[slack.HomeTabViewRequest]():         "Type:type Blocks:blocks PrivateMetadata:private_metadata,omitempty CallbackID:callback_id,omitempty ExternalID:external_id,omitempty",
		reflect.TypeFor[slack.Blocks]():                     "BlockSet:blocks,omitempty",
	}
	// The marshalers the encoder mirrors; any other is new.
	marshalers := map[reflect.Type]bool{
		reflect.TypeFor[slack.ContextElements](): true, reflect.TypeFor[*slack.ContextElements](): true,
		reflect.TypeFor[*slack.BlockElements](): true,

		// Blocks marshals as its BlockSet alone, as AppendBlocksJSON.
		reflect.TypeFor[slack.Blocks](): true, reflect.TypeFor[*slack.Blocks](): true,
	}
	marshaler := reflect.TypeFor[json.Marshaler]()
	for typ, want := range known {
		var fields []string
		for f := range typ.Fields() {
			fields = append(fields, f.Name+":"+f.Tag.Get("json"))
		}
		if got := strings.Join(fields, " "); got != want {
			t.Errorf("slack.%s has fields\n%s\nthe encoder writes\n%s\nupdate encode.go and this list", typ.Name(), got, want)
		}
		for _, tt := range []reflect.Type{typ, reflect.PointerTo(typ)} {
			if tt.Implements(marshaler) != marshalers[tt] {
				t.Errorf("%s: MarshalJSON changed; the encoder must follow it", tt)
			}
		}
	}
	// Accessory marshals as its first element set: the encoder relies on
	// the image coming before the button.
	var names []string
	for f := range reflect.TypeFor[slack.Accessory]().Fields() {
		names = append(names, f.Name)
	}
	if len(names) < 2 || names[0] != "ImageElement" || names[1] != "ButtonElement" {
		t.Errorf("slack.Accessory fields are %v; the encoder assumes ImageElement, ButtonElement first", names)
	}
}

// A chat.postMessage body, written without encoding/json.
func ExampleAppendBlocksJSON() {
	m := Note("busy", "I'm a bit busy <right> now.")
	body := append([]byte(nil), `{"channel":`...)
	body = jsonenc.AppendString(body, "C123")
	body = append(body, `,"text":`...)
	body = jsonenc.AppendString(body, m.Text)
	body = append(body, `,"blocks":`...)
	body, err := AppendBlocksJSON(body, m.Blocks)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(append(body, '}')))
	// Output: {"channel":"C123","text":"I'm a bit busy \u003cright\u003e now.","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"I'm a bit busy \u003cright\u003e now."},"block_id":"busy"}]}
}

// A views.open body, written without encoding/json.
func ExampleAppendModalJSON() {
	name := slack.NewInputBlock("name", &slack.TextBlockObject{Type: slack.PlainTextType, Text: "Name"}, nil,
		slack.NewPlainTextInputBlockElement(nil, "name"))
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           &slack.TextBlockObject{Type: slack.PlainTextType, Text: "Hello"},
		Blocks:          slack.Blocks{BlockSet: []slack.Block{name}},
		PrivateMetadata: `{"channel":"C123"}`,
	}
	body := append([]byte(nil), `{"trigger_id":`...)
	body = jsonenc.AppendString(body, "123.456")
	body = append(body, `,"view":`...)
	body, err := AppendModalJSON(body, v)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(append(body, '}')))
	// Output: {"trigger_id":"123.456","view":{"type":"modal","title":{"type":"plain_text","text":"Hello"},"blocks":[{"type":"input","block_id":"name","label":{"type":"plain_text","text":"Name"},"element":{"type":"plain_text_input","action_id":"name"}}],"private_metadata":"{\"channel\":\"C123\"}"}}
}
