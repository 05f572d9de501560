// sealpost process: the pipe mode of DESIGN.md §1. One message on standard input, its envelope
// on the command line; the resulting messages go to a folder or to a sendmail command.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/context.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "pipeline/processor.hpp"
#include "policy/rules.hpp"

namespace sealpost::app {

namespace {

struct ProcessArgs {
    pipeline::Envelope envelope;
    std::string role = "inbound";
    std::string queue_id;
    std::string out_dir;
    std::string sendmail;
    bool explain = false;
};

policy::Rules load_rules(Context& context) {
    auto path = context.data_dir().root / "rules.txt";
    return std::filesystem::exists(path) ? policy::load(path) : policy::Rules{};
}

// N.eml and N.env for each message, N counting from the first number not yet used.
void write_to_folder(const std::string& folder, const std::vector<pipeline::Output>& messages) {
    std::filesystem::create_directories(folder);
    std::size_t n = 1;
    for (const auto& message : messages) {
        auto base = std::filesystem::path(folder);
        while (std::filesystem::exists(base / (std::to_string(n) + ".eml"))) {
            ++n;
        }
        nlohmann::json env = {
            {"sender", message.sender}, {"recipients", message.recipients}, {"why", message.why}};
        // The envelope last: a reader that sees N.env may take N.eml as complete.
        files::write_atomic(base / (std::to_string(n) + ".eml"), message.data, 0640);
        files::write_atomic(base / (std::to_string(n) + ".env"), env.dump(2) + "\n", 0640);
        ++n;
    }
}

// Runs `/bin/sh -c 'CMD "$@"' sh -f SENDER -- RECIPIENT...` with the message on its input.
void pipe_to_sendmail(const std::string& command, const pipeline::Output& message) {
    int fds[2];
    if (::pipe(fds) != 0) {
        throw Error(ErrorKind::Temporary, "cannot create a pipe for the sendmail command");
    }
    pid_t child = ::fork();
    if (child < 0) {
        throw Error(ErrorKind::Temporary, "cannot start the sendmail command");
    }
    if (child == 0) {
        ::dup2(fds[0], 0);
        ::close(fds[0]);
        ::close(fds[1]);
        std::string script = command + " \"$@\"";
        std::string sender = message.sender.empty() ? "<>" : message.sender;
        std::vector<const char*> argv = {"sh",           "-c", script.c_str(), "sh", "-f",
                                         sender.c_str(), "--"};
        for (const auto& r : message.recipients) {
            argv.push_back(r.c_str());
        }
        argv.push_back(nullptr);
        ::execv("/bin/sh", const_cast<char* const*>(argv.data()));
        ::_exit(127);
    }
    ::close(fds[0]);
    std::size_t done = 0;
    while (done < message.data.size()) {
        auto n = ::write(fds[1], message.data.data() + done, message.data.size() - done);
        if (n <= 0) {
            break;  // the command stopped reading; its exit status says why
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (done < message.data.size() || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw Error(ErrorKind::Temporary, "the sendmail command failed (status " +
                                              std::to_string(WEXITSTATUS(status)) + ")");
    }
}

void print_explanation(const pipeline::Result& result) {
    for (const auto& r : result.recipients) {
        std::cout << r.address << ": " << r.action << " (" << r.reason << ")";
        if (!r.key.empty()) {
            std::cout << " key=" << r.key;
        }
        std::cout << "\n";
    }
    for (const auto& note : result.notes) {
        std::cout << "note: " << note << "\n";
    }
}

void run_process(Context& context, ProcessArgs& args) {
    args.envelope.role = args.role == "submission" ? config::ListenerRole::Submission
                                                   : config::ListenerRole::Inbound;
    auto raw = files::read_stdin(context.config().limits.max_message_bytes);
    auto rules = load_rules(context);
    pipeline::Processor processor(context.keys(), context.directory(), context.config(), rules);
    auto mode = args.explain ? pipeline::Mode::Explain : pipeline::Mode::Apply;
    auto result = processor.process(args.envelope, raw, mode, args.queue_id);
    if (args.explain) {
        print_explanation(result);
        return;
    }
    if (!args.out_dir.empty()) {
        write_to_folder(args.out_dir, result.messages);
        return;
    }
    for (const auto& message : result.messages) {
        pipe_to_sendmail(args.sendmail, message);
    }
}

}  // namespace

void add_process_command(CLI::App& app, Context& context) {
    auto args = std::make_shared<ProcessArgs>();
    auto* cmd = app.add_subcommand("process", "process one message from standard input");
    cmd->add_option("--sender", args->envelope.sender, "envelope sender (empty for <>)")
        ->required();
    cmd->add_option("--recipient", args->envelope.recipients, "envelope recipient (repeat)")
        ->required();
    cmd->add_option("--role", args->role, "submission or inbound (default)")
        ->check(CLI::IsMember({"submission", "inbound"}));
    cmd->add_flag("--authenticated", args->envelope.authenticated,
                  "the sender authenticated (SMTP AUTH or a trusted front MTA)");
    cmd->add_option("--client-ip", args->envelope.client_ip, "the SMTP client's address");
    cmd->add_option("--queue-id", args->queue_id, "the MTA's queue ID, for the log");
    auto* out = cmd->add_option("--out-dir", args->out_dir, "write N.eml and N.env here");
    auto* send = cmd->add_option("--sendmail", args->sendmail,
                                 "pipe each message to CMD -f SENDER -- RECIPIENT...");
    out->excludes(send);
    auto* explain = cmd->add_flag("--explain", args->explain,
                                  "print the decision per recipient; change nothing");
    cmd->callback([&context, args, out, send, explain] {
        if (!explain->count() && !out->count() && !send->count()) {
            throw CLI::ValidationError("process", "--out-dir or --sendmail is required");
        }
        run_process(context, *args);
    });
}

}  // namespace sealpost::app
