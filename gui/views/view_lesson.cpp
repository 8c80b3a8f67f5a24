// Lesson: the narrative of the step the cursor has reached, and the questions.
// A question is asked at its event, before the trace shows what comes next:
// the replay stops there (App::finish_move) and every view stops at the
// cursor (Document::horizon) until the student checks an answer.
// Instructor mode shows the answer key and lets the replay go anywhere.
//
// Nothing the student typed is kept in this view: it lives in the
// Document's LessonSession (so another lesson starts clean) and autosaves
// after every change (gui/model/answers_store.hpp). Nothing is overwritten
// without asking: Save answers to an existing file, switching to a student
// name that already has saved answers, and Submit all confirm first.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "gui/model/answers_store.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"
#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "trace/event.hpp"
#include "util/i18n.hpp"

namespace sendpath::gui {

namespace {
const ImVec4 kRight(0.4f, 0.85f, 0.4f, 1);
const ImVec4 kWrong(0.95f, 0.45f, 0.4f, 1);

class LessonView final : public View {
public:
    std::string_view id() const override { return "lesson"; }
    std::string_view title() const override { return T("gui.view.lesson"); }
    bool default_open() const override { return false; }

    void draw(ViewContext& ctx) override {
        auto* ls = ctx.doc.lesson.get();
        if (!ls) {
            text_dim(T("gui.lesson.none"));
            return;
        }
        // A new session (another lesson, or a reload) starts with its own
        // name field and no pending confirmation.
        if (ls->serial != session_) {
            session_ = ls->serial;
            student_edit_ = ls->sheet.student;
            last_active_ = -2;
        }
        // The texts in the GUI's language; ids, anchors and the key are the same in every language.
        if (ls->serial != localized_session_ || ui_lang() != localized_lang_) {
            localized_ = lesson::localized(ls->lesson, ui_lang());
            localized_session_ = ls->serial;
            localized_lang_ = ui_lang();
        }
        const auto& l = localized_;
        ImGui::TextWrapped("%s", l.title.c_str());
        if (ls->assessment)
            ImGui::TextColored(
                ImVec4(0.95f, 0.75f, 0.35f, 1), "%s",
                ls->submitted ? TF("gui.lesson.submitted", {ls->submitted_at}).c_str() : T("gui.lesson.assessment"));
        if (ImGui::CollapsingHeader((std::string(T("gui.lesson.objectives")) + "###objectives").c_str())) {
            for (const auto& o : l.objectives) ImGui::BulletText("%s", o.c_str());
        }
        bool instr = ls->instructor;
        if (!ls->instructor_unlocked) ImGui::BeginDisabled();
        if (ImGui::Checkbox(T("gui.lesson.instructor"), &instr)) ls->set_instructor(instr);
        if (!ls->instructor_unlocked) {
            ImGui::EndDisabled();
            ImGui::SameLine();
            text_dim(T("gui.lesson.locked"));
        }
        ImGui::Separator();

        const std::size_t cur = ctx.doc.cursor();
        const int step = ls->current_step(cur);
        if (step >= 0) {
            ImGui::TextWrapped("%s", l.steps[static_cast<std::size_t>(step)].text.c_str());
        } else {
            text_dim(T("gui.lesson.step_forward"));
        }
        ImGui::Separator();

        int answered = 0;
        for (const auto& q : ls->key.questions) answered += ls->checked.count(q.id) ? 1 : 0;
        ImGui::TextUnformatted(
            TF("gui.lesson.answered", {std::to_string(answered), std::to_string(ls->key.questions.size())}).c_str());
        // The question asked now gets the scroll when it changes (or the cursor moves onto it).
        const int active = ls->active_question(cur);
        const bool scroll = active != last_active_ || ctx.doc.generation() != last_generation_;
        last_active_ = active;
        last_generation_ = ctx.doc.generation();
        for (std::size_t i : ls->question_order())
            draw_question(ctx, *ls, l.questions[i], ls->key.questions[i], cur, static_cast<int>(i) == active && scroll);

        ImGui::Separator();
        if (ls->assessment && !ls->submitted) {
            if (ImGui::Button(T("gui.lesson.submit"))) request_submit(*ls);
            ImGui::SameLine();
            text_dim(T("gui.lesson.submit_hint"));
        }
        footer(*ls);
        confirmations(*ls);
    }

private:
    void draw_question(ViewContext& ctx, LessonSession& ls, const lesson::Question& q, const lesson::KeyQuestion& k,
                       std::size_t cur, bool scroll_here) {
        ImGui::PushID(q.id.c_str());
        const bool reached = cur >= k.event;
        const bool checked = ls.checked.count(q.id) != 0;
        if (!reached && !ls.instructor) {
            text_dim(upcoming_question_line(q.id, k.event, ctx.doc.future_hidden()).str(ui_lang()));
            ImGui::PopID();
            return;
        }
        ImGui::Spacing();
        if (scroll_here) ImGui::SetScrollHereY(0.25f);
        ImGui::TextWrapped("%s", q.prompt.c_str());
        if (ls.instructor && ImGui::SmallButton(T("gui.lesson.go_to_event"))) ctx.push(Command::jump(k.event));
        QuestionUi& u = ls.ui[q.id];
        const bool locked = ls.locked(q.id);
        if (locked) ImGui::BeginDisabled();
        bool edited = false;
        switch (q.type) {
            case lesson::QuestionType::number:
                ImGui::SetNextItemWidth(140);
                ImGui::InputText(q.unit.empty() ? "##n" : q.unit.c_str(), &u.input,
                                 ImGuiInputTextFlags_CharsScientific);
                edited = ImGui::IsItemDeactivatedAfterEdit();
                break;
            case lesson::QuestionType::next_branch:
                ImGui::SetNextItemWidth(220);
                if (!q.branch_choices.empty()) {
                    if (ImGui::BeginCombo("##kind", u.input.empty() ? T("gui.lesson.which_branch") : u.input.c_str())) {
                        for (auto kind : q.branch_choices) {
                            const std::string name(trace::kind_name(kind));
                            if (ImGui::Selectable(name.c_str(), u.input == name)) {
                                u.input = name;
                                edited = true;
                            }
                        }
                        ImGui::EndCombo();
                    }
                } else {
                    ImGui::InputTextWithHint("##kind", T("gui.lesson.kind_hint"), &u.input);
                    edited = ImGui::IsItemDeactivatedAfterEdit();
                }
                break;
            case lesson::QuestionType::choice:
                // A choice's text wraps at the window's edge (a radio button's
                // own label does not, and was cut at 1280x800); clicking the
                // text chooses it too.
                for (const auto& c : q.choices) {
                    ImGui::PushID(c.id.c_str());
                    bool chosen = ImGui::RadioButton("##choice", u.input == c.id);
                    ImGui::SameLine();
                    ImGui::TextWrapped("%s", c.text.c_str());
                    chosen = chosen || ImGui::IsItemClicked();
                    ImGui::PopID();
                    if (chosen) {
                        u.input = c.id;
                        edited = true;
                    }
                }
                break;
        }
        if (ImGui::Button(T("gui.lesson.check"))) {
            ls.check(q.id, u.input, utc_now_iso());
            edited = true;
        }
        if (locked) ImGui::EndDisabled();
        if (edited) autosave(ls);  // typed answers (drafts) are kept too
        // Check always says what happened; a verdict only where it may be shown.
        if (!u.status.empty()) {
            ImGui::SameLine();
            const bool verdict = checked && ls.verdict_visible();
            const std::string said = model_notice(u.status);
            if (verdict) ImGui::TextColored(ls.correct(q.id) ? kRight : kWrong, "%s", said.c_str());
            else text_dim(said);
        }
        // The explanation gives the answer away: shown once it is right, after
        // Submit in an assessment, or to an instructor.
        if (!q.explain.empty() && checked && ls.verdict_visible() &&
            (ls.correct(q.id) || ls.submitted || ls.instructor))
            ImGui::TextWrapped("%s", q.explain.c_str());
        if (ls.instructor) text_dim(TF("gui.lesson.key", {k.answer_json().dump()}));
        ImGui::PopID();
    }

    // The name, then the file to hand in and its button: each on a line of
    // its own when the window is too narrow for both, never cut.
    void footer(LessonSession& ls) {
        const ImGuiStyle& st = ImGui::GetStyle();
        const float button_w = ImGui::CalcTextSize(T("gui.lesson.save_answers")).x + st.FramePadding.x * 2;
        const float name_w = ImGui::GetFontSize() * 12;
        const float path_min = ImGui::GetFontSize() * 12;
        ImGui::SetNextItemWidth(std::min(name_w, ImGui::GetContentRegionAvail().x));
        ImGui::InputTextWithHint("##student", T("gui.lesson.name_hint"), &student_edit_);
        // The field shows the session's name unless it is being typed in (or
        // a confirmation about the typed one waits).
        if (!ImGui::IsItemActive() && ls.confirm != LessonSession::Confirm::student &&
            !ImGui::IsItemDeactivatedAfterEdit())
            student_edit_ = ls.sheet.student;
        if (ImGui::IsItemDeactivatedAfterEdit() && student_edit_ != ls.sheet.student)
            request_student(ls, student_edit_);
        if (ImGui::GetContentRegionAvail().x - name_w - st.ItemSpacing.x * 2 >= path_min + button_w) ImGui::SameLine();
        ImGui::SetNextItemWidth(std::max(path_min, ImGui::GetContentRegionAvail().x - button_w - st.ItemSpacing.x));
        ImGui::InputText("##answers_path", &ls.save_path);
        ImGui::SameLine();
        if (ImGui::Button(T("gui.lesson.save_answers"))) request_save(ls);
        ImGui::PushTextWrapPos(0.0f);
        if (!ls.status.empty()) text_dim(notice_text(ls.status, ls.status_message));
        ImGui::PopTextWrapPos();
    }

    // The pending confirmation (ls.confirm, set by the answers_store requests) as a modal.
    static void confirmations(LessonSession& ls) {
        using C = LessonSession::Confirm;
        const char* id = T(ls.confirm == C::overwrite ? "gui.lesson.confirm_overwrite"
                           : ls.confirm == C::student ? "gui.lesson.confirm_student"
                                                      : "gui.lesson.confirm_submit");
        if (ls.confirm != C::none && !ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
        if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
        const char* yes = T("gui.lesson.submit");
        if (ls.confirm == C::overwrite) {
            ImGui::TextUnformatted(TF("gui.lesson.exists", {ls.save_path}).c_str());
            ImGui::TextUnformatted(TF("gui.lesson.replace_q", {std::to_string(ls.checked.size())}).c_str());
            yes = T("gui.lesson.replace");
        } else if (ls.confirm == C::student) {
            ImGui::TextUnformatted(TF("gui.lesson.saved_of", {ls.pending_student}).c_str());
            ImGui::TextUnformatted(TF("gui.lesson.saved_path", {ls.pending_path}).c_str());
            if (ls.sheet.student.empty()) ImGui::TextUnformatted(T("gui.lesson.load_noname"));
            else ImGui::TextUnformatted(TF("gui.lesson.load_keep", {ls.sheet.student}).c_str());
            yes = T("gui.lesson.load");
        } else if (ls.confirm == C::submit) {
            int open = 0;
            for (const auto& q : ls.key.questions) open += ls.checked.count(q.id) ? 0 : 1;
            ImGui::TextUnformatted(T("gui.lesson.submit_q"));
            if (open)
                ImGui::TextUnformatted(
                    TF(open == 1 ? "gui.lesson.open_one" : "gui.lesson.open_other", {std::to_string(open)}).c_str());
        }
        const bool go = ImGui::Button(yes);
        ImGui::SameLine();
        const bool cancel = ImGui::Button(T("gui.lesson.cancel"));
        if (go || cancel || ls.confirm == C::none) {
            if (go || cancel) confirm(ls, go, utc_now_iso());
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }

    lesson::Lesson localized_;        // the session's lesson in the GUI's language
    uint64_t localized_session_ = 0;  // ... of this session
    std::string localized_lang_;      // ... in this language
    uint64_t session_ = 0;            // the session (serial) the fields below belong to
    std::string student_edit_;        // the name field, applied on Enter
    int last_active_ = -2;
    uint64_t last_generation_ = 0;
};
}  // namespace

std::unique_ptr<View> make_lesson_view() { return std::make_unique<LessonView>(); }

}  // namespace sendpath::gui
