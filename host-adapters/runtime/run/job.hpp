// Running one job of one module: arguments parsed and typed from the manifest, the
// department's enablement and the job's roles checked, the run journaled, the module called
// inside one transaction, its documents validated against their XSDs and committed to the
// outbox together with the journal, or nothing at all.
#pragma once

#include "base/failure.hpp"
#include "runtime/call/call.hpp"
#include "runtime/host/host.hpp"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace cartera::runtime {

struct JobInvocation {
  std::string module; // CLI name or id
  std::string job;
  std::vector<std::pair<std::string, std::string>> options; // --name value ("true" for a flag)
  std::optional<std::string> format;
  std::optional<std::filesystem::path> input;
  std::optional<std::filesystem::path> output; // write the result here instead of stdout
};

struct JobOutcome {
  std::string run_id;
  std::size_t documents_emitted = 0;
  std::size_t documents_already_present = 0;
  // Where the new ones went: owed to recipients of cartera.xml, written to the outbox, or kept
  // in the database (and the customers' folders) only (manifest outbox="false").
  std::size_t documents_for_recipients = 0;
  std::size_t documents_to_outbox = 0;
  std::size_t documents_kept = 0;
  std::uint64_t rows = 0;
  std::size_t archived = 0;         // files added to the customers' folders
  std::size_t archive_deferred = 0; // documents to file there after the run (cartera archive file)
  std::size_t messages_queued = 0;  // messages owed to customers, sent after the commit
  std::size_t messages_offered = 0; // queued by the module, new or not: the run sends what is due
};

// Parses and types the options against the job's parameters (exit 2 on any mistake).
std::map<std::string, OwnedValue> parse_job_params(const Manifest &m, const JobSpec &job,
                                                   const std::vector<std::pair<std::string, std::string>> &options);

// Runs it. Throws Failure with the right exit code; on success returns what it did.
JobOutcome run_job(Host &host, const JobInvocation &inv, std::ostream &out, RunObserver &observer);

// Writes the committed documents whose outbox file is not yet on disk (all, after a crash
// between a run's commit and its writing them): rename each into place, one flush for all,
// then mark them written. Returns how many.
std::size_t flush_outbox(const std::filesystem::path &outbox, RuntimeStore &store);

// Records documents not recorded before (in the caller's transaction) and owes each new one to
// every recipient of cartera.xml that takes its type, except skip_recipient (an alert about a
// recipient is not sent to it). A document some recipient takes reaches it by that recipient's
// transport and gets no outbox file; the outbox is for the documents nobody takes, unless the
// caller cleared to_outbox (a type whose manifest says outbox="false"). Returns whether each
// was new.
std::vector<bool> record_and_queue(Host &host, std::vector<DocumentEntry> &docs, const std::string &at,
                                   const std::string &skip_recipient = "");

// A module's status in words, for a message when the module gave none.
std::string status_words(cartera_status s);

// The status a module returned, as an exit code.
ExitCode exit_code_for(cartera_status status) noexcept;

} // namespace cartera::runtime
