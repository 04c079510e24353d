"""The archive room's procedures: lending (借阅), handover (移交接收), paper files (实体档案)
and retention appraisal (鉴定销毁), each recorded in the service database and the access log."""
