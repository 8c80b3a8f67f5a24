// Lesson: the narrative of the step the cursor has reached, and the questions.
// A question is asked at its event, before the trace shows what comes next:
// the replay stops there (App::apply) until the student checks an answer.
// Instructor mode shows the answer key and lets the replay go anywhere.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <fstream>

#include "gui/views/view.hpp"
#include "gui/widgets.hpp"
#include "lesson/grade.hpp"
#include "trace/event.hpp"
#include "util/atomic_file.hpp"

namespace sendpath::gui {

namespace {
class LessonView final : public View {
public:
    std::string_view id() const override { return "lesson"; }
    std::string_view title() const override { return "Lesson"; }
    bool default_open() const override { return false; }

    void draw(ViewContext& ctx) override {
        auto* ls = ctx.doc.lesson.get();
        if (!ls) {
            text_dim("Open a lesson (lessons/*.json) to see its story and questions here.");
            return;
        }
        const auto& l = ls->lesson;
        ImGui::TextWrapped("%s", l.title.c_str());
        if (ImGui::CollapsingHeader("Objectives")) {
            for (const auto& o : l.objectives) ImGui::BulletText("%s", o.c_str());
        }
        ImGui::Checkbox("Instructor mode (answer key, no pauses)", &ls->instructor);
        ImGui::Separator();

        const std::size_t cur = ctx.doc.cursor();
        const int step = ls->current_step(cur);
        if (step >= 0) {
            ImGui::TextWrapped("%s", l.steps[static_cast<std::size_t>(step)].text.c_str());
        } else {
            text_dim("Step forward (F11) to start: the story begins at the first step's event.");
        }
        ImGui::Separator();

        int answered = 0;
        for (const auto& q : ls->key.questions) answered += ls->checked.count(q.id) ? 1 : 0;
        ImGui::Text("Questions: %d of %zu answered", answered, ls->key.questions.size());
        for (std::size_t i = 0; i < l.questions.size(); ++i)
            draw_question(ctx, *ls, l.questions[i], ls->key.questions[i], cur);

        ImGui::Separator();
        ImGui::SetNextItemWidth(160);
        ImGui::InputText("student", &ls->sheet.student);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(220);
        ImGui::InputText("##answers_path", &save_path_);
        ImGui::SameLine();
        if (ImGui::Button("Save answers")) save(*ls);
        if (!save_status_.empty()) text_dim(save_status_.c_str());
    }

private:
    void draw_question(ViewContext& ctx, LessonSession& ls, const lesson::Question& q, const lesson::KeyQuestion& k,
                       std::size_t cur) {
        ImGui::PushID(q.id.c_str());
        const bool reached = cur >= k.event;
        const bool checked = ls.checked.count(q.id) != 0;
        if (!reached && !ls.instructor) {
            text_dim(("- " + q.id + ": asked at event " + std::to_string(k.event)).c_str());
            ImGui::PopID();
            return;
        }
        ImGui::Spacing();
        ImGui::TextWrapped("%s", q.prompt.c_str());
        if (ls.instructor && ImGui::SmallButton("go to its event")) ctx.push(Command::jump(k.event));
        auto& buf = inputs_[q.id];
        switch (q.type) {
            case lesson::QuestionType::number:
                ImGui::SetNextItemWidth(140);
                ImGui::InputText(q.unit.empty() ? "##n" : q.unit.c_str(), &buf, ImGuiInputTextFlags_CharsDecimal);
                break;
            case lesson::QuestionType::next_branch:
                ImGui::SetNextItemWidth(220);
                if (!q.branch_choices.empty()) {
                    if (ImGui::BeginCombo("##kind", buf.empty() ? "which branch?" : buf.c_str())) {
                        for (auto kind : q.branch_choices) {
                            const std::string name(trace::kind_name(kind));
                            if (ImGui::Selectable(name.c_str(), buf == name)) buf = name;
                        }
                        ImGui::EndCombo();
                    }
                } else {
                    ImGui::InputTextWithHint("##kind", "event kind, e.g. tail_append", &buf);
                }
                break;
            case lesson::QuestionType::choice:
                for (const auto& c : q.choices)
                    if (ImGui::RadioButton(c.text.c_str(), buf == c.id)) buf = c.id;
                break;
        }
        if (ImGui::Button("Check")) check(ls, q, buf);
        if (checked) {
            ImGui::SameLine();
            const bool ok = ls.correct(q.id);
            ImGui::TextColored(ok ? ImVec4(0.4f, 0.85f, 0.4f, 1) : ImVec4(0.95f, 0.45f, 0.4f, 1),
                               ok ? "correct" : "not quite");
            if (!q.explain.empty()) ImGui::TextWrapped("%s", q.explain.c_str());
        }
        if (ls.instructor) text_dim(("key: " + k.answer_json().dump()).c_str());
        ImGui::PopID();
    }

    // Records the answer in the sheet (as an answers file would hold it) and shows the verdict.
    void check(LessonSession& ls, const lesson::Question& q, const std::string& text) {
        if (text.empty()) return;
        nlohmann::json given;
        if (q.type == lesson::QuestionType::number) {
            try {
                given = std::stod(text);
            } catch (const std::exception&) { return; }
        } else {
            given = text;
        }
        nlohmann::json sheet = lesson::answer_sheet_to_json(ls.sheet);
        sheet["answers"][q.id] = given;
        try {
            ls.sheet = lesson::answer_sheet_from_json(sheet, "answers", ls.lesson);
            ls.checked.insert(q.id);
        } catch (const std::exception&) {
            // An answer of the wrong shape is not recorded; the input stays for a fix.
        }
    }

    void save(LessonSession& ls) {
        const std::string path = save_path_.empty() ? ls.lesson.id + "-answers.json" : save_path_;
        try {
            const std::string text = lesson::answer_sheet_to_json(ls.sheet).dump(2) + "\n";
            write_file_atomic(path, [&](std::ostream& o) { o << text; });
            save_status_ = "saved " + path;
        } catch (const std::exception& e) { save_status_ = e.what(); }
    }

    std::map<std::string, std::string> inputs_;
    std::string save_path_;
    std::string save_status_;
};
}  // namespace

std::unique_ptr<View> make_lesson_view() { return std::make_unique<LessonView>(); }

}  // namespace sendpath::gui
