// The commands of the `cartera` executable. Each returns the process exit code and throws
// runtime::Failure for anything a person must read.
#pragma once

#include "cli/args.hpp"

#include <cstddef>
#include <ostream>

namespace cartera::exchange {
struct MailReport;
}
namespace cartera::runtime {
class Host;
}

namespace cartera::cli {

int cmd_init(const Args &args);
int cmd_plugins(const Args &args);
int cmd_modules(const Args &args);
int cmd_runs(const Args &args);
int cmd_audit(const Args &args);
int cmd_host(const Args &args);
int cmd_exchange(const Args &args);
int cmd_serve(const Args &args);
int cmd_archive(const Args &args);
int cmd_contacts(const Args &args);
int cmd_module_job(const Args &args);

// Files the documents waiting for their customers' folders (runtime/archive/archive_filing.hpp) with
// a progress line, and says what it did unless quiet or there was nothing; refusals go to
// stderr always. Returns how many were refused.
std::size_t file_waiting_documents(runtime::Host &host);

// "cartera: mail: sent N, waiting ..." after a run or `contacts send`.
void print_mail_report(const exchange::MailReport &r, std::ostream &out);

void print_main_help(std::ostream &out);
// Help for a built-in command; false if name is not one.
bool print_command_help(const std::string &name, std::ostream &out);

} // namespace cartera::cli
