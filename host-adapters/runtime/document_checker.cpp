#include "runtime/document_checker.hpp"

#include "runtime/manifest.hpp"
#include "runtime/xml_schema.hpp"

#include <algorithm>
#include <exception>

namespace cartera::runtime {

DocumentChecker::DocumentChecker(SchemaSet &schemas, const Manifest &manifest, const std::deque<EmittedDocument> &docs)
    : schemas_(schemas), manifest_(manifest), docs_(docs), first_bad_(static_cast<std::size_t>(-1)) {}

DocumentChecker::~DocumentChecker() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queue_.clear();
  }
  ready_.notify_all();
  for (auto &t : workers_) {
    t.join();
  }
}

void DocumentChecker::submit(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(index);
    // Threads start with the first document: most runs emit none. One core stays with the
    // module (it is producing the documents); the others validate.
    if (workers_.empty()) {
      const std::size_t cores = std::max(2U, std::thread::hardware_concurrency());
      for (std::size_t i = 0; i + 1 < std::min<std::size_t>(cores, 8); ++i) {
        workers_.emplace_back([this] { work(); });
      }
    }
  }
  ready_.notify_one();
}

bool DocumentChecker::take(std::size_t &index) {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
  if (queue_.empty()) {
    return false;
  }
  index = queue_.front();
  queue_.pop_front();
  return true;
}

void DocumentChecker::work() {
  std::size_t index = 0;
  while (take(index)) {
    check(index);
  }
}

void DocumentChecker::check(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    if (index > first_bad_) {
      return; // an earlier document already failed the run
    }
  }
  const EmittedDocument &doc = docs_[index];
  const DocTypeSpec *spec = manifest_.find_doc_type(doc.type);
  std::string error;
  try {
    schemas_.validate_document(doc.content, manifest_.name + " '" + doc.type + "' document (key " + doc.key + ")",
                               spec->schema, spec->namespace_uri);
  } catch (const std::exception &e) {
    error = e.what(); // a Failure, or the machine out of memory: either way, nothing is written
  }
  if (!error.empty()) {
    std::lock_guard lock(mutex_);
    if (index < first_bad_) {
      first_bad_ = index;
      first_error_ = std::move(error);
    }
  }
}

std::string DocumentChecker::finish() {
  // The module is done: this thread validates too, then the workers are told to stop.
  for (;;) {
    std::size_t index = 0;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) {
        closing_ = true;
        break;
      }
      index = queue_.front();
      queue_.pop_front();
    }
    check(index);
  }
  ready_.notify_all();
  for (auto &t : workers_) {
    t.join();
  }
  workers_.clear();
  std::lock_guard lock(mutex_);
  return first_error_;
}

} // namespace cartera::runtime
