#include "processors/processors.h"

#include "processors/arrow_to_json.h"
#include "processors/batch.h"
#include "processors/http_model.h"
#include "processors/json_to_arrow.h"
#include "processors/model.h"
#include "processors/python.h"
#include "processors/sql.h"
#include "processors/stream_sql.h"

namespace ark {

void RegisterProcessors(Registry& registry) {
  RegisterJsonToArrowProcessor(registry);
  RegisterArrowToJsonProcessor(registry);
  RegisterBatchProcessor(registry);
  RegisterSqlProcessor(registry);
  RegisterStreamSqlProcessor(registry);
  RegisterModelProcessor(registry);
  RegisterHttpModelProcessor(registry);
  RegisterPythonProcessor(registry);
}

}  // namespace ark
