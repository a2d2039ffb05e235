#include "processors/processors.h"

#include "processors/arrow_to_json.h"
#include "processors/batch.h"
#include "processors/json_to_arrow.h"
#include "processors/model.h"
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
}

}  // namespace ark
